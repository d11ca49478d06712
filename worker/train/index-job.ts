/**
 * The `index` job: rebuild a model's FAISS retrieval index from the experiment's features
 * (`python3 -m trainer index`, rvc-formats §8) and swap it into MODELS_ROOT/{exp}/.
 */
import fs from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { db } from "../../lib/db";
import { requireFreeSpace } from "../../lib/disk";
import { paths } from "../../lib/paths";
import { PermanentJobError, type JobHandler } from "../runner";
import { spawnTrainer } from "./launch";
import { parseTrainerLine } from "./protocol";
import type { ModelFile } from "./register";
import { pythonExecutable } from "../../lib/python";


export const rebuildIndex: JobHandler = async ({ job, signal, report }) => {
  if (!job.experimentId) throw new PermanentJobError("index needs an experiment");
  const experiment = await db().experiment.findUnique({ where: { id: job.experimentId }, include: { models: true } });
  if (!experiment) throw new PermanentJobError("the experiment was deleted");
  const model = experiment.models.find((m) => m.name === experiment.name);
  if (!model) throw new PermanentJobError("no trained model for this experiment yet: train one first (training builds the index too)");
  const p = paths();
  const out = path.join(p.experimentDir(experiment.name), "index-out");
  await fs.rm(out, { recursive: true, force: true });
  // preflight: the index holds every feature vector once (IVF-Flat) and is written twice (out dir, model dir)
  const featureDir = p.featureDir(experiment.name, experiment.version as "v1" | "v2");
  let featureBytes = 0;
  for (const n of await fs.readdir(featureDir).catch(() => [] as string[])) featureBytes += (await fs.stat(path.join(featureDir, n)).catch(() => null))?.size ?? 0;
  await requireFreeSpace(out, 2 * featureBytes * 1.1, "the index build");
  await fs.mkdir(out, { recursive: true });
  report.progress(0, 1, "building index");
  const child = spawnTrainer(await pythonExecutable(), ["index", "--exp-dir", p.experimentDir(experiment.name), "--out", out, "--name", experiment.name, "--version", experiment.version]);
  const onAbort = () => child.kill("SIGTERM");
  signal.addEventListener("abort", onAbort, { once: true });
  let indexPath: string | undefined;
  let error: string | undefined;
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    const ev = parseTrainerLine(line);
    if (ev?.type === "artifact" && ev.kind === "index") indexPath = ev.path;
    else if (ev?.type === "error") error = ev.message;
    else if (!ev) report.log("info", line);
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => report.log("info", line));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  signal.removeEventListener("abort", onAbort);
  if (signal.aborted) throw signal.reason;
  if (code !== 0 || !indexPath) throw new PermanentJobError(`index build failed: ${error ?? `trainer exited with code ${code}`}`);

  const dir = p.modelDir(experiment.name);
  const name = path.basename(indexPath);
  const files = (model.files as unknown as ModelFile[]).filter((f) => f.kind !== "index");
  await fs.copyFile(indexPath, path.join(dir, `.${name}.tmp`));
  await fs.rename(path.join(dir, `.${name}.tmp`), path.join(dir, name));
  for (const old of (model.files as unknown as ModelFile[]).filter((f) => f.kind === "index" && f.name !== name)) {
    await fs.rm(path.join(dir, old.name), { force: true });
  }
  const bytes = (await fs.stat(path.join(dir, name))).size;
  files.push({ kind: "index", name, bytes });
  await db().voiceModel.update({
    where: { id: model.id },
    data: { files: files as unknown as object, sizeBytes: BigInt(files.reduce((s, f) => s + f.bytes, 0)) },
  });
  report.log("info", `index ${name} (${(bytes / 1e6).toFixed(1)} MB) is in place`);
  return { index: name, bytes };
};
