/**
 * The probe clip of a training (issue 15): the clip each checkpoint renders as its listening preview. The `probe`
 * train option names a preprocessed slice (`{idx0}_{idx1}`, a file name of 0_gt_wavs/ without `.wav`) or an uploaded
 * file's id (its first slice). Without it the trainer renders the first held-out clip. The API checks the option
 * before queueing (`checkProbe`); the train job resolves it again against the slices it trains with (`resolveProbe`).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { db, type Db } from "./db";
import { ApiError } from "./errors";
import { getExperimentRow } from "./experiments";
import { paths } from "./paths";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** the preprocess manifest (worker/preprocess/manifest.ts): upload id → the `idx0` of its slices */
export const PREPROCESS_MANIFEST = "preprocess.json";

export const isFileId = (probe: string) => UUID.test(probe);

/** Pure: the slices of one source (`{idx0}_{n}`), in slice order. */
export function slicesOf(stems: readonly string[], idx0: number): string[] {
  const prefix = `${idx0}_`;
  return stems
    .filter((s) => s.startsWith(prefix) && /^\d+$/.test(s.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
}

/**
 * Pure: the slice a probe names among `stems` (a slice name, or an upload id → its first slice through the manifest's
 * `sources`), or why none: `{stem}` or `{error}`.
 */
export function resolveProbe(probe: string, stems: readonly string[], sources: Record<string, { idx0: number }>): { stem: string } | { error: string } {
  if (isFileId(probe)) {
    const source = sources[probe.toLowerCase()] ?? sources[probe];
    const first = source ? slicesOf(stems, source.idx0)[0] : undefined;
    return first ? { stem: first } : { error: `the uploaded file ${probe} has no preprocessed slice${source ? "" : " (run preprocess first)"}` };
  }
  return stems.includes(probe) ? { stem: probe } : { error: `no slice named "${probe}" (a file name of 0_gt_wavs/ without .wav, e.g. "0_0")` };
}

/** The preprocess manifest's sources, or none. */
export async function readSources(expDir: string): Promise<Record<string, { idx0: number }>> {
  try {
    const m = JSON.parse(await fs.readFile(path.join(expDir, PREPROCESS_MANIFEST), "utf8")) as { sources?: Record<string, { idx0?: unknown }> };
    const out: Record<string, { idx0: number }> = {};
    for (const [id, s] of Object.entries(m.sources ?? {})) if (Number.isInteger(s?.idx0)) out[id] = { idx0: s.idx0 as number };
    return out;
  } catch {
    return {};
  }
}

/** The slice names in 0_gt_wavs/ (sorted). */
export async function sliceNames(experimentName: string): Promise<string[]> {
  const dir = paths().experimentSubdir(experimentName, "gtWavs");
  return (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".wav") && !f.startsWith(".")).map((f) => f.slice(0, -4)).sort();
}

/**
 * POST …/train and …/pipeline: refuse (422 `unknown_probe`) a probe that names no slice and no uploaded file of the
 * experiment. `stage` "pipeline": an uploaded file need not be preprocessed yet (the pipeline does that first).
 */
export async function checkProbe(experimentName: string, probe: string | undefined, stage: "train" | "pipeline", prisma: Db = db()): Promise<void> {
  if (probe === undefined) return;
  const experiment = await getExperimentRow(experimentName, prisma);
  const refuse = (why: string, examples: string[]) =>
    new ApiError(422, "unknown_probe", `The probe clip does not fit "${experiment.name}": ${why}`, { probe, ...(examples.length ? { examples: examples.slice(0, 5) } : {}) });
  const stems = await sliceNames(experiment.name);
  if (isFileId(probe)) {
    const file = await prisma.audioFile.findFirst({ where: { id: probe, experimentId: experiment.id, status: "ready" }, select: { id: true } });
    if (!file) throw refuse(`no uploaded file ${probe} in this experiment`, []);
    if (stage === "pipeline") return;
  }
  const r = resolveProbe(probe, stems, await readSources(paths().experimentDir(experiment.name)));
  if ("error" in r) throw refuse(r.error, stems);
}
