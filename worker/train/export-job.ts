/** The `export` job: ONNX for an imported small model (`python3 -m trainer export --small-model`). */
import fs from "node:fs/promises";
import path from "node:path";
import { db } from "../../lib/db";
import { paths } from "../../lib/paths";
import { PermanentJobError, type JobHandler } from "../runner";
import { spawnTrainer } from "./launch";
import { parseTrainerLine } from "./protocol";
import type { ModelFile } from "./register";
import readline from "node:readline";
import { pythonExecutable } from "../../lib/python";

export const exportOnnx: JobHandler = async ({ job, signal, report }) => {
  const modelId = (job.params as { modelId?: string }).modelId;
  const model = modelId ? await db().voiceModel.findUnique({ where: { id: modelId } }) : null;
  if (!model) throw new PermanentJobError("the model was deleted");
  const dir = paths().modelDir(model.name);
  const out = path.join(dir, ".onnx-out");
  await fs.rm(out, { recursive: true, force: true });
  report.progress(0, 1, "exporting ONNX");
  const child = spawnTrainer(await pythonExecutable(), ["export", "--small-model", path.join(dir, `${model.name}.pth`), "--out", out, "--name", model.name]);
  const onAbort = () => child.kill("SIGTERM");
  signal.addEventListener("abort", onAbort, { once: true });
  let onnx: string | undefined;
  let error: string | undefined;
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    const ev = parseTrainerLine(line);
    if (ev?.type === "artifact" && ev.kind === "onnx") onnx = ev.path;
    else if (ev?.type === "error") error = ev.message;
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => report.log("info", line));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  signal.removeEventListener("abort", onAbort);
  if (signal.aborted) throw signal.reason;
  if (code !== 0 || !onnx) throw new PermanentJobError(`ONNX export failed: ${error ?? `trainer exited with code ${code}`}`);
  const name = `${model.name}.onnx`;
  await fs.rename(onnx, path.join(dir, name));
  await fs.rm(out, { recursive: true, force: true });
  const bytes = (await fs.stat(path.join(dir, name))).size;
  const files = [...(model.files as unknown as ModelFile[]).filter((f) => f.kind !== "onnx"), { kind: "onnx" as const, name, bytes }];
  await db().voiceModel.update({ where: { id: model.id }, data: { files: files as unknown as object, sizeBytes: BigInt(files.reduce((s, f) => s + f.bytes, 0)) } });
  return { onnx: name, bytes };
};
