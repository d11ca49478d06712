/**
 * The `publish` job (issue 15): make the checkpoint of one epoch the experiment's model — its generator as the small
 * `.pth` and ONNX (`python3 -m trainer export --checkpoint`), the FAISS index (`trainer index`), registered through the
 * same `registerModel` a finished training uses. Works after a cancelled or failed training too: it only needs the
 * checkpoint file and config.json.
 */
import fs from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { db } from "../../lib/db";
import { findCheckpoint } from "../../lib/checkpoints";
import { paths } from "../../lib/paths";
import { pythonExecutable } from "../../lib/python";
import { PermanentJobError, type JobContext, type JobHandler } from "../runner";
import { spawnTrainer } from "./launch";
import { parseTrainerLine } from "./protocol";
import { registerModel } from "./register";

/** Run one trainer command; its artifacts by kind, or a PermanentJobError with the trainer's own words. */
async function trainerStep(ctx: JobContext, python: string, args: string[], what: string): Promise<Record<string, string>> {
  const child = spawnTrainer(python, args);
  const onAbort = () => child.kill("SIGTERM");
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const artifacts: Record<string, string> = {};
  let error: string | undefined;
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    const ev = parseTrainerLine(line);
    if (ev?.type === "artifact") artifacts[ev.kind] = ev.path;
    else if (ev?.type === "error") error = ev.message;
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => {
    if (!line.startsWith("error: ")) ctx.report.log("info", line);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", (e) => reject(new PermanentJobError(`could not start ${python}: ${e.message}`)));
    child.on("close", resolve);
  });
  ctx.signal.removeEventListener("abort", onAbort);
  if (ctx.signal.aborted) throw ctx.signal.reason;
  if (code !== 0) throw new PermanentJobError(`${what} failed: ${error ?? `trainer exited with code ${code}`}`);
  return artifacts;
}

export const publishCheckpoint: JobHandler = async (ctx) => {
  const { job, report } = ctx;
  const epoch = (job.params as { epoch?: unknown }).epoch;
  if (!job.experimentId || typeof epoch !== "number") throw new PermanentJobError("publish needs an experiment and an epoch");
  const experiment = await db().experiment.findUnique({ where: { id: job.experimentId } });
  if (!experiment) throw new PermanentJobError("the experiment was deleted");
  const expDir = paths().experimentDir(experiment.name);
  const checkpoint = await findCheckpoint(experiment.name, epoch);
  if (!checkpoint) throw new PermanentJobError(`there is no checkpoint of epoch ${epoch} (it was pruned, or a later one replaced it)`);
  const python = await pythonExecutable();
  const out = path.join(expDir, "publish-out");
  await fs.rm(out, { recursive: true, force: true });
  await fs.mkdir(out, { recursive: true });
  try {
    report.progress(0, 3, `exporting epoch ${epoch}`);
    const exported = await trainerStep(ctx, python, ["export", "--checkpoint", checkpoint.file, "--config", path.join(expDir, "config.json"), "--out", out, "--name", experiment.name,
      "--version", experiment.version, "--f0", "1", "--info", `${epoch}epoch`], "export");
    report.progress(1, 3, "building index");
    const indexed = await trainerStep(ctx, python, ["index", "--exp-dir", expDir, "--out", out, "--name", experiment.name, "--version", experiment.version], "index build");
    report.progress(2, 3, "registering the model");
    const model = await registerModel({
      experiment,
      artifacts: { small_model: exported.small_model, onnx: exported.onnx, index: indexed.index },
      epochs: epoch,
      datasetSeconds: (await db().audioFile.aggregate({ where: { experimentId: experiment.id, status: "ready" }, _sum: { durationSec: true } }))._sum.durationSec ?? null,
      trainParams: { publishedEpoch: epoch, step: checkpoint.step, checkpoint: path.basename(checkpoint.file) },
      createdById: job.createdById,
    });
    // as after a finished training: the experiment has a model now (a cancelled one may not have had one)
    await db().experiment.update({ where: { id: experiment.id }, data: { status: "trained" } });
    report.progress(3, 3, `epoch ${epoch} published`);
    report.log("info", `model ${model.name} is now epoch ${epoch} (${path.basename(checkpoint.file)})`);
    return { modelId: model.id, epoch, step: checkpoint.step };
  } finally {
    await fs.rm(out, { recursive: true, force: true });
  }
};
