/**
 * What the dataset doctor's exclusions leave out of training: every slice of an excluded upload and every excluded
 * slice. Slices are named `{idx0}_{idx1}` by preprocess, and preprocess.json maps each upload's id to its idx0.
 * Read by the train job (filelist.txt and the held-out pick) and by validate (what remains); a change after a training
 * is used by the next one.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { db, type Db } from "../db";
import { paths } from "../paths";

/** The stem's source prefix: "3_17" → "3" (preprocess names slices `{idx0}_{idx1}`). */
const sourcePrefix = (stem: string) => {
  const i = stem.lastIndexOf("_");
  return i < 0 ? stem : stem.slice(0, i);
};

/**
 * Pure: the stems of `stems` that are left out, given the idx0 of each excluded upload and the excluded slices' stems.
 */
export function stemsLeftOut(stems: Iterable<string>, excludedIdx0: Iterable<number>, excludedSlices: Iterable<string>): Set<string> {
  const sources = new Set([...excludedIdx0].map(String));
  const slices = new Set(excludedSlices);
  const out = new Set<string>();
  for (const s of stems) if (sources.has(sourcePrefix(s)) || slices.has(s)) out.add(s);
  return out;
}

/** The excluded uploads' idx0 (from preprocess.json's `sources`) and the excluded slices' stems of an experiment. */
export async function exclusions(
  experimentId: string,
  sources: Record<string, { idx0: number }>,
  prisma: Db = db(),
): Promise<{ idx0: number[]; slices: string[]; files: number }> {
  const [files, slices] = await Promise.all([
    prisma.audioFile.findMany({ where: { experimentId, excluded: true }, select: { id: true } }),
    prisma.datasetSlice.findMany({ where: { excluded: true, audioFile: { experimentId } }, select: { stem: true } }),
  ]);
  const idx0 = files.map((f) => sources[f.id]?.idx0).filter((i): i is number => i !== undefined);
  return { idx0, slices: slices.map((s) => s.stem), files: files.length };
}

/** preprocess.json's upload id → idx0 map (written by the preprocess job; empty before the first preprocess). */
export async function preprocessSources(experimentName: string): Promise<Record<string, { idx0: number }>> {
  try {
    const m = JSON.parse(await fs.readFile(path.join(paths().experimentDir(experimentName), "preprocess.json"), "utf8")) as { sources?: unknown };
    return m.sources && typeof m.sources === "object" ? (m.sources as Record<string, { idx0: number }>) : {};
  } catch {
    return {};
  }
}

/** The slices of `stems` that an experiment's exclusions leave out. */
export async function excludedStemsOf(experiment: { id: string; name: string }, stems: Iterable<string>, prisma: Db = db()): Promise<Set<string>> {
  const ex = await exclusions(experiment.id, await preprocessSources(experiment.name), prisma);
  return stemsLeftOut(stems, ex.idx0, ex.slices);
}

/** The slices in an experiment's 0_gt_wavs that its exclusions leave out. */
export async function excludedSlicesOf(experiment: { id: string; name: string }, prisma: Db = db()): Promise<Set<string>> {
  const names = await fs.readdir(paths().experimentSubdir(experiment.name, "gtWavs")).catch(() => [] as string[]);
  const stems = names.filter((n) => n.endsWith(".wav") && !n.startsWith(".")).map((n) => n.slice(0, -4));
  return excludedStemsOf(experiment, stems, prisma);
}
