/**
 * GET /api/experiments/{name}/training/series (issue 15): the whole training history of an experiment, downsampled on
 * the server. Per-step losses come from the trainer's step file (`logs/steps.bin`, kept across every continue), the
 * per-epoch validation from metrics.json (as the checkpoint timeline, lib/checkpoints.ts). The parsed file is cached
 * by size, mtime and inode, so a page that polls while training runs re-reads it only when the trainer wrote more.
 * Experiments trained before the step file existed fall back to the `epoch` metric events of their train jobs (one
 * bounded query) for the per-epoch means.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { db, type Db } from "./db";
import { conflict } from "./errors";
import { getExperimentRow } from "./experiments";
import { paths } from "./paths";
import { METRICS_FILE } from "./checkpoints";
import type { MetricsEntry } from "./checkpoint-metrics";
import { downsampleSteps, epochMeans, parseStepFile, StepFileError, type StepColumns } from "./training-series";

/** 6.7 million steps of eight losses; a larger file is refused before it is read (it would cost that much memory) */
export const MAX_STEP_FILE_BYTES = 256 * 1024 * 1024;
/** epoch events read for an experiment without a step file */
const FALLBACK_EPOCH_EVENTS = 20_000;

interface Cached {
  size: number;
  mtimeMs: number;
  ino: number;
  cols: StepColumns;
  /** downsampled results of these columns, by points and smoothing (a page polls with the same query) */
  results: Map<string, ReturnType<typeof summarize>>;
}
const cache = new Map<string, Cached>();
const CACHE_ENTRIES = 16;

const EMPTY: StepColumns = { fields: [], steps: new Uint32Array(0), epochs: new Uint32Array(0), values: [] };

function summarize(cols: StepColumns, points: number, smoothing: number | undefined) {
  const s = downsampleSteps(cols, points, { smoothing });
  return {
    steps: { count: s.count, points: s.from.length, smoothing: s.smoothing, from: s.from, to: s.to, epoch: s.epoch, series: s.series },
    epochs: cols.steps.length ? epochMeans(cols) : null,
  };
}

/** The step file's columns (empty when there is none yet), from the cache while the file is unchanged. */
export async function readStepColumns(file: string): Promise<StepColumns> {
  return (await readStepFile(file)).cols;
}

async function readStepFile(file: string): Promise<Pick<Cached, "cols" | "results">> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { cols: EMPTY, results: new Map() };
    throw err;
  }
  const hit = cache.get(file);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino) return hit;
  if (st.size > MAX_STEP_FILE_BYTES) {
    throw conflict("step_file_too_large", `the step history is ${st.size} bytes; at most ${MAX_STEP_FILE_BYTES} are read`, { bytes: st.size });
  }
  let cols: StepColumns;
  try {
    cols = parseStepFile(await fs.readFile(file));
  } catch (err) {
    if (err instanceof StepFileError) throw conflict("step_file_unreadable", `logs/steps.bin was not written by the trainer: ${err.message}`);
    throw err;
  }
  const entry: Cached = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, cols, results: new Map() };
  cache.delete(file);
  cache.set(file, entry);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return entry;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Validated checkpoints of metrics.json, one per epoch (a re-run epoch: the newest entry), oldest first. */
export async function validationHistory(expDir: string) {
  let entries: MetricsEntry[] = [];
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(expDir, METRICS_FILE), "utf8")) as { checkpoints?: unknown };
    if (Array.isArray(parsed.checkpoints)) entries = parsed.checkpoints as MetricsEntry[];
  } catch {
    /* no metrics yet */
  }
  const byEpoch = new Map<number, { step: number | null; mel: number; stft: number }>();
  for (const m of entries) {
    const v = m?.validation;
    if (!Number.isInteger(m?.epoch) || !v || !finite(v.mel) || !finite(v.stft)) continue;
    byEpoch.set(m.epoch, { step: Number.isInteger(m.step) ? m.step! : null, mel: v.mel, stft: v.stft });
  }
  const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
  return {
    epoch: epochs,
    step: epochs.map((e) => byEpoch.get(e)!.step),
    mel: epochs.map((e) => byEpoch.get(e)!.mel),
    stft: epochs.map((e) => byEpoch.get(e)!.stft),
  };
}

/** Per-epoch means from the `epoch` metric events (experiments trained before the step file), newest run per epoch. */
async function epochsFromEvents(experimentId: string, prisma: Db) {
  const rows = await prisma.$queryRaw<{ data: Record<string, unknown> }[]>`
    SELECT e.data FROM "JobEvent" e JOIN "Job" j ON j.id = e."jobId"
    WHERE j."experimentId" = ${experimentId}::uuid AND j.kind = 'train' AND e.kind = 'metric' AND e.data->>'kind' = 'epoch'
    ORDER BY e.id DESC LIMIT ${FALLBACK_EPOCH_EVENTS}`;
  const byEpoch = new Map<number, Record<string, unknown>>();
  for (const { data } of rows) if (Number.isInteger(data.epoch) && !byEpoch.has(data.epoch as number)) byEpoch.set(data.epoch as number, data);
  const epoch = [...byEpoch.keys()].sort((a, b) => a - b);
  const names = ["mel", "kl", "gen", "disc", "fm"].filter((k) => epoch.some((e) => finite(byEpoch.get(e)![k])));
  const series: Record<string, (number | null)[]> = {};
  for (const k of names) series[k] = epoch.map((e) => (finite(byEpoch.get(e)![k]) ? (byEpoch.get(e)![k] as number) : null));
  return { epoch, step: epoch.map((e) => (Number.isInteger(byEpoch.get(e)!.step) ? (byEpoch.get(e)!.step as number) : 0)), series };
}

export async function trainingSeries(name: string, opts: { points: number; smoothing?: number }, prisma: Db = db()) {
  const experiment = await getExperimentRow(name, prisma);
  const p = paths();
  const file = await readStepFile(p.trainingStepFile(experiment.name));
  const key = `${opts.points}:${opts.smoothing ?? ""}`;
  let summary = file.results.get(key);
  if (!summary) {
    summary = summarize(file.cols, opts.points, opts.smoothing);
    if (file.results.size >= 8) file.results.clear();
    file.results.set(key, summary);
  }
  return {
    steps: summary.steps,
    epochs: summary.epochs ?? (await epochsFromEvents(experiment.id, prisma)),
    validation: await validationHistory(p.experimentDir(experiment.name)),
  };
}
