/**
 * The `analyze` job (dataset doctor, issue 16): a catch-up job, one queued per experiment (lib/jobs.ts), that measures
 * whatever is not measured yet:
 * 1. every ready upload without a current analysis (decoded block by block at its own rate into ClipAnalyzer, so
 *    memory stays flat in the file's length) → `AudioFile.analysis`; of a file isolated for training (`useVocals`),
 *    its vocal stem (lib/dataset/source.ts: what trains) — switching clears the analysis and queues this job;
 * 2. after preprocess, every slice in `0_gt_wavs/` of a finished upload (preprocess.json maps uploads to `{idx0}_*`)
 *    → a `DatasetSlice` row (its exclusion survives a re-analysis);
 * 3. after extract (or with `params.pitch`), the voiced f0 of each slice from `2b-f0nsf/` → `analysis.pitch` of the
 *    slice, and of the upload from all its slices.
 * A file that cannot be measured is logged and skipped: the analysis is advice, its failure never blocks the pipeline.
 * Queued after each finished upload (lib/uploads/tus.ts), after preprocess and after extract.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { db, Prisma } from "../../lib/db";
import { decodeAudioBlocks } from "../../lib/audio";
import { ANALYSIS_VERSION, ClipAnalysis } from "../../lib/dataset/analysis";
import { trainingSource } from "../../lib/dataset/source";
import { paths } from "../../lib/paths";
import { decodeNpy, npyValues } from "../dsp/npy";
import { readManifest } from "../preprocess/manifest";
import { PermanentJobError, type JobHandler } from "../runner";
import { ClipAnalyzer } from "./analyzer";
import { pitchStats } from "./pitch-stats";

export interface AnalyzeParams {
  /** recompute the pitch statistics of every slice (extract ran again, perhaps with another pitch method) */
  pitch?: boolean;
}

/** An analysis written by this analyser version (older ones are redone). */
export function isCurrent(stored: unknown): stored is ClipAnalysis {
  return !!stored && typeof stored === "object" && (stored as { version?: unknown }).version === ANALYSIS_VERSION;
}

/** Measure one audio file, streamed: its own rate and channels, one decode block at a time. */
export async function analyzeFile(file: string, signal?: AbortSignal): Promise<ClipAnalysis> {
  let analyzer: ClipAnalyzer | null = null;
  await decodeAudioBlocks(
    file,
    {
      format(rate, channels) {
        analyzer = new ClipAnalyzer(channels, rate);
      },
      block(channels) {
        if (channels[0]!.length > 0) analyzer!.pushPlanar(channels);
      },
    },
    { signal },
  );
  if (!analyzer) throw new Error("no audio format found");
  return (analyzer as ClipAnalyzer).finish();
}

/** The voiced f0 (Hz per 10 ms frame, 0 = unvoiced) of a slice's `2b-f0nsf/{stem}.wav.npy`. */
async function readF0(file: string): Promise<Float64Array> {
  return npyValues(decodeNpy(new Uint8Array(await fs.readFile(file))));
}

const json = (a: ClipAnalysis) => a as unknown as Prisma.InputJsonValue;

export const analyze: JobHandler = async ({ job, signal, report }) => {
  if (!job.experimentId) throw new PermanentJobError("analyze needs an experiment");
  const params = (job.params ?? {}) as AnalyzeParams;
  const prisma = db();
  const experiment = await prisma.experiment.findUnique({ where: { id: job.experimentId } });
  if (!experiment) throw new PermanentJobError("the experiment was deleted");
  const p = paths();
  const files = await prisma.audioFile.findMany({
    where: { experimentId: experiment.id, status: "ready" },
    select: { id: true, originalName: true, storedName: true, durationSec: true, analysis: true, sha256: true, useVocals: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });

  // what to do: uploads without a current analysis, slices without one, slices without pitch
  const fileTodo = files.filter((f) => !isCurrent(f.analysis));
  const gtDir = p.experimentSubdir(experiment.name, "gtWavs");
  const f0Dir = p.experimentSubdir(experiment.name, "f0nsf");
  const manifest = await readManifest(path.join(p.experimentDir(experiment.name), "preprocess.json"));
  const gtNames = new Set((await fs.readdir(gtDir).catch(() => [] as string[])).filter((n) => n.endsWith(".wav") && !n.startsWith(".")));
  const f0Names = new Set((await fs.readdir(f0Dir).catch(() => [] as string[])).filter((n) => n.endsWith(".wav.npy")));
  const existing = await prisma.datasetSlice.findMany({
    where: { audioFile: { experimentId: experiment.id } },
    select: { id: true, audioFileId: true, index: true, stem: true, analysis: true },
  });
  const rowOf = new Map(existing.map((r) => [r.stem, r]));
  type SliceTodo = { fileId: string; name: string; index: number; stem: string; startSec: number | null; analyse: boolean; pitch: boolean };
  const sliceTodo: SliceTodo[] = [];
  const byFile = new Map<string, string[]>();
  for (const f of files) {
    const entry = manifest?.sources[f.id];
    if (!entry || entry.status !== "done" || entry.sha256 !== f.sha256) continue;
    const stems = [...gtNames].filter((n) => n.startsWith(`${entry.idx0}_`)).map((n) => n.slice(0, -4));
    byFile.set(f.id, stems);
    for (const stem of stems) {
      const index = Number(stem.slice(stem.indexOf("_") + 1));
      if (!Number.isInteger(index)) continue;
      const row = rowOf.get(stem);
      const stored = row?.analysis;
      const analyse = !isCurrent(stored);
      const pitch = f0Names.has(`${stem}.wav.npy`) && (params.pitch || analyse || !(stored as ClipAnalysis).pitch);
      const startSec = entry.slices?.find((s) => s.index === index)?.startSec ?? null;
      if (analyse || pitch) sliceTodo.push({ fileId: f.id, name: f.originalName, index, stem, startSec, analyse, pitch });
    }
  }
  // rows of slices that no longer exist (preprocess redid their file) go
  const stale = existing.filter((r) => !gtNames.has(`${r.stem}.wav`) || !byFile.get(r.audioFileId)?.includes(r.stem));
  if (stale.length) await prisma.datasetSlice.deleteMany({ where: { id: { in: stale.map((r) => r.id) } } });

  const fileSeconds = fileTodo.reduce((s, f) => s + (f.durationSec ?? 1), 0);
  const total = fileSeconds + sliceTodo.length;
  let done = 0;
  report.progress(0, Math.max(total, 1), "analyze", "items");
  report.log("info", `${fileTodo.length} upload(s) and ${sliceTodo.length} slice(s) to analyse`);
  const failed: { file: string; error: string }[] = [];

  for (const f of fileTodo) {
    if (signal.aborted) throw signal.reason;
    try {
      // what trains: the vocal stem of a file isolated for training, else the upload
      const analysis = await analyzeFile((await trainingSource(experiment.name, f)).file, signal);
      // the file may have been deleted meanwhile: updateMany then changes nothing
      await prisma.audioFile.updateMany({ where: { id: f.id }, data: { analysis: json(ClipAnalysis.parse(analysis)) } });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      failed.push({ file: f.originalName, error: (err as Error).message });
      report.log("warn", `${f.originalName}: could not analyse it (${(err as Error).message})`);
    }
    done += f.durationSec ?? 1;
    report.progress(done, total, "analyze uploads", "items");
  }

  const pitchTouched = new Set<string>();
  for (const s of sliceTodo) {
    if (signal.aborted) throw signal.reason;
    try {
      let analysis: ClipAnalysis;
      if (s.analyse) analysis = await analyzeFile(path.join(gtDir, `${s.stem}.wav`), signal);
      else analysis = rowOf.get(s.stem)!.analysis as ClipAnalysis;
      if (s.pitch) {
        analysis = { ...analysis, pitch: pitchStats(await readF0(path.join(f0Dir, `${s.stem}.wav.npy`))) };
        pitchTouched.add(s.fileId);
      }
      const data = { analysis: json(ClipAnalysis.parse(analysis)), durationSec: analysis.durationSec, startSec: s.startSec };
      await prisma.datasetSlice
        .upsert({
          where: { audioFileId_index: { audioFileId: s.fileId, index: s.index } },
          create: { audioFileId: s.fileId, index: s.index, stem: s.stem, ...data },
          update: { stem: s.stem, ...data },
        })
        .catch((err: unknown) => {
          // the upload was deleted meanwhile (its slices went with it)
          if (err instanceof Prisma.PrismaClientKnownRequestError && (err.code === "P2003" || err.code === "P2025")) return;
          throw err;
        });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      failed.push({ file: `${s.name} (slice ${s.stem})`, error: (err as Error).message });
      report.log("warn", `${s.name}, slice ${s.stem}: could not analyse it (${(err as Error).message})`);
    }
    done += 1;
    report.progress(done, total, "analyze slices", "items");
  }

  // an upload's pitch: the voiced f0 of all its slices
  for (const fileId of pitchTouched) {
    const stems = byFile.get(fileId) ?? [];
    const f0: number[] = [];
    for (const stem of stems) {
      const name = `${stem}.wav.npy`;
      if (!f0Names.has(name)) continue;
      for (const v of await readF0(path.join(f0Dir, name)).catch(() => new Float64Array(0))) f0.push(v);
    }
    const row = await prisma.audioFile.findUnique({ where: { id: fileId }, select: { analysis: true } });
    if (!row || !isCurrent(row.analysis)) continue;
    await prisma.audioFile.updateMany({ where: { id: fileId }, data: { analysis: json({ ...row.analysis, pitch: pitchStats(f0) }) } });
  }

  if (failed.length) report.log("warn", `${failed.length} item(s) could not be analysed; the others are stored`);
  return { files: fileTodo.length, slices: sliceTodo.length, pitch: pitchTouched.size, failed };
};
