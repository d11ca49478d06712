/**
 * An experiment's training checkpoints (issue 15): the timeline of GET /api/experiments/{name}/checkpoints (train
 * state + the trainer's metrics.json), and publishing one epoch as the model (the `publish` job,
 * worker/train/publish-job.ts).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { db, type Db } from "./db";
import { conflict, notFound } from "./errors";
import type { ServedFile } from "./file-response";
import { getExperimentRow } from "./experiments";
import { enqueueExperimentJob } from "./jobs";
import { paths } from "./paths";
import { tally } from "./listening-test-rules";
import { previewPeaks } from "./preview-peaks";
import { mergeCheckpoints, recommendCheckpoint, type MetricsEntry, type StateCheckpoint } from "./checkpoint-metrics";

/** files of the experiment folder the timeline reads (written by the train job and the trainer) */
export const TRAIN_STATE_FILE = "train-state.json";
export const METRICS_FILE = "metrics.json";

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as T;
  } catch {
    return null;
  }
}

interface StateFile {
  checkpoints?: StateCheckpoint[];
  heldOut?: string[];
  probe?: string | null;
}

/** The generator file of a train-state entry (older states lack `g`: G_{step}.pth). */
const generatorFile = (expDir: string, c: StateCheckpoint) => path.join(expDir, path.basename(c.g ?? `G_${c.step}.pth`));

/** where the trainer writes a checkpoint's preview (worker/trainer/validation.py#preview_name); built from the epoch */
export const previewFile = (expDir: string, epoch: number) => path.join(expDir, "previews", `e${Math.trunc(epoch)}.wav`);

const exists = (file: string) => fs.access(file).then(() => true, () => false);

async function readTimeline(expDir: string) {
  const state = (await readJson<StateFile>(path.join(expDir, TRAIN_STATE_FILE))) ?? {};
  const metrics = (await readJson<{ checkpoints?: MetricsEntry[] }>(path.join(expDir, METRICS_FILE)))?.checkpoints ?? [];
  const stateCps = Array.isArray(state.checkpoints) ? state.checkpoints : [];
  const present = new Set<string>();
  for (const c of stateCps) if (await exists(generatorFile(expDir, c))) present.add(generatorFile(expDir, c));
  return { state, stateCps, metrics: Array.isArray(metrics) ? metrics : [], present };
}

/** GET …/checkpoints. */
export async function listCheckpoints(name: string, prisma: Db = db()) {
  const experiment = await getExperimentRow(name, prisma);
  const expDir = paths().experimentDir(experiment.name);
  const { state, stateCps, metrics, present } = await readTimeline(expDir);
  const model = await prisma.voiceModel.findFirst({ where: { name: experiment.name, experimentId: experiment.id }, select: { epochs: true } });
  const merged = mergeCheckpoints(stateCps, metrics, (c) => present.has(generatorFile(expDir, c)), model?.epochs ?? null);
  const answered = await prisma.listeningTest.findMany({ where: { experimentId: experiment.id, answeredAt: { not: null } }, select: { epochA: true, epochB: true, winner: true, answeredAt: true } });
  const ab = new Map(tally(answered).map((r) => [r.epoch, r]));
  const checkpoints = [];
  for (const c of merged) {
    const url = `/api/experiments/${encodeURIComponent(experiment.name)}/checkpoints/${c.epoch}/preview`;
    const t = ab.get(c.epoch);
    const has = await exists(previewFile(expDir, c.epoch));
    checkpoints.push({ ...c, preview: has ? url : null, peaks: has ? await previewPeaks(previewFile(expDir, c.epoch)) : null, abWins: t?.wins ?? 0, abLosses: t?.losses ?? 0 });
  }
  return { checkpoints, recommended: recommendCheckpoint(checkpoints), heldOut: Array.isArray(state.heldOut) ? state.heldOut : [], probe: typeof state.probe === "string" ? state.probe : null };
}

/** The generator checkpoint of `epoch` in the experiment folder, or null when there is none (any more). */
export async function findCheckpoint(name: string, epoch: number): Promise<{ file: string; step: number } | null> {
  const expDir = paths().experimentDir(name);
  const { stateCps, present } = await readTimeline(expDir);
  const c = [...stateCps].reverse().find((s) => s.epoch === epoch && present.has(generatorFile(expDir, s)));
  return c ? { file: generatorFile(expDir, c), step: c.step } : null;
}

/** POST …/checkpoints/{epoch}/publish: queue the publish job (404 when that checkpoint is not on disk). */
export async function publishCheckpoint(name: string, epoch: number, prisma: Db = db()) {
  const experiment = await getExperimentRow(name, prisma);
  if (!(await findCheckpoint(experiment.name, epoch))) {
    const { checkpoints } = await listCheckpoints(name, prisma);
    const epochs = checkpoints.filter((c) => c.available).map((c) => c.epoch);
    throw notFound("checkpoint_not_found", `"${name}" has no checkpoint of epoch ${epoch}${epochs.length ? `; these can be published: ${epochs.join(", ")}` : " (train first)"}`, { epoch, available: epochs });
  }
  if (!(await exists(path.join(paths().experimentDir(experiment.name), "config.json")))) {
    throw conflict("no_config", `"${name}" has no config.json beside its checkpoints`, { name });
  }
  return enqueueExperimentJob(experiment.name, "publish", { epoch }, prisma);
}

/** GET …/checkpoints/{epoch}/preview: the held-out probe clip rendered by that checkpoint (audio/wav). */
export async function checkpointPreview(name: string, epoch: number, prisma: Db = db()): Promise<ServedFile> {
  const experiment = await getExperimentRow(name, prisma);
  const file = previewFile(paths().experimentDir(experiment.name), epoch);
  if (!(await exists(file))) {
    throw notFound("preview_not_found", `"${name}" has no preview for epoch ${epoch} (previews are made at validated checkpoints, which need held-out clips)`, { epoch });
  }
  return { path: file, type: "audio/wav", name: `${experiment.name}.e${epoch}.preview.wav` };
}
