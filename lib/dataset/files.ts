/**
 * The dataset doctor's per-file API: one file with its slices, include/exclude of a file or a slice, and a waveform
 * overview computed from the stored audio (streamed; bounded by the number of points).
 */
import fs from "node:fs";
import { db, type Db } from "../db";
import { ApiError, conflict, notFound } from "../errors";
import { checkName } from "../experiment-rules";
import { isUuid } from "../ids";
import { paths } from "../paths";
import { decodeAudioBlocks } from "../audio";
import { analysisWithFlags, audioFileJson } from "../uploads/ingest";
import { assertMayChange } from "../auth/ownership";
import { setUseVocals } from "./source";
import { pendingSeparations } from "../separation-rules";

const noFile = (id: string) => notFound("file_not_found", `No file ${JSON.stringify(id)} in this experiment`, { id });
const noExperiment = (name: string) => notFound("experiment_not_found", `No experiment named "${name}"`, { name });

async function findFile(name: string, id: string, prisma: Db) {
  checkName(name);
  const exp = await prisma.experiment.findUnique({ where: { name }, select: { id: true, createdById: true } });
  if (!exp) throw noExperiment(name);
  if (!isUuid(id)) throw noFile(id);
  const f = await prisma.audioFile.findFirst({ where: { id, experimentId: exp.id } });
  if (!f) throw noFile(id);
  return Object.assign(f, { experimentOwnerId: exp.createdById });
}

/** Leaving audio out (or its mix in) changes what trains: the file's uploader or the experiment's owner (or an admin) may. */
function assertMayExclude(f: Awaited<ReturnType<typeof findFile>>, prisma: Db, verb = "exclude or include") {
  return assertMayChange({ what: `file "${f.originalName}"`, createdById: f.createdById, alsoOwnedBy: [f.experimentOwnerId] }, verb, prisma);
}

type SliceRow = { index: number; stem: string; startSec: number | null; durationSec: number; analysis: unknown; excluded: boolean };

export function sliceJson(s: SliceRow) {
  return {
    index: s.index,
    stem: s.stem,
    startSec: s.startSec,
    durationSec: s.durationSec,
    ...analysisWithFlags(s.analysis, { isSlice: true }),
    excluded: s.excluded,
  };
}

export async function fileDetail(name: string, id: string, prisma: Db = db()) {
  const f = await findFile(name, id, prisma);
  const slices = await prisma.datasetSlice.findMany({ where: { audioFileId: f.id }, orderBy: { index: "asc" } });
  return { file: audioFileJson(f), slices: slices.map(sliceJson) };
}

/**
 * Change a file: exclude or include it (no job is touched; the next training reads it), and/or pick what preprocess
 * reads of a separated file (`useVocals`: its vocal stem or the upload; the file's preprocess source key changes with
 * it, so the next preprocess redoes it). `useVocals: true` needs the vocal stem; neither value while a separation of
 * the file is queued or running (its end sets the flag). The uploader, the experiment's owner or an admin.
 */
export async function updateFile(name: string, id: string, patch: { excluded?: boolean; useVocals?: boolean }, prisma: Db = db()) {
  const f = await findFile(name, id, prisma);
  await assertMayExclude(f, prisma, patch.excluded === undefined ? "change" : "exclude or include");
  if (patch.useVocals !== undefined) {
    const pending = await pendingSeparations(f.experimentId, prisma, f.id);
    if (pending.length) {
      throw conflict("separation_pending", `The vocals of "${f.originalName}" are being isolated (its separate job is ${pending[0]!.status}); wait until it ends, or cancel it`, {
        job: pending[0]!.jobId,
      });
    }
    if (patch.useVocals && !fs.existsSync(paths().stemFile(name, f.id, "vocals"))) {
      throw conflict("no_stems", `"${f.originalName}" has no vocal stem: isolate its vocals first (POST …/files/{id}/separate, or "Isolate vocals" in the file list)`, { id: f.id });
    }
  }
  if (patch.excluded !== undefined) await prisma.audioFile.update({ where: { id: f.id }, data: { excluded: patch.excluded } });
  // switching what trains clears the analysis of the other one and queues the dataset doctor (lib/dataset/source.ts)
  if (patch.useVocals !== undefined) await setUseVocals(name, f.id, patch.useVocals, prisma);
  return audioFileJson(await prisma.audioFile.findUniqueOrThrow({ where: { id: f.id } }));
}

export async function setSliceExcluded(name: string, id: string, index: string, excluded: boolean, prisma: Db = db()) {
  const f = await findFile(name, id, prisma);
  await assertMayExclude(f, prisma);
  const i = /^\d{1,9}$/.test(index) ? Number(index) : NaN;
  const row = Number.isInteger(i) ? await prisma.datasetSlice.findUnique({ where: { audioFileId_index: { audioFileId: f.id, index: i } } }) : null;
  if (!row) throw notFound("slice_not_found", `File "${f.originalName}" has no slice ${JSON.stringify(index)} (slices appear after preprocess and its analysis)`, { index });
  return sliceJson(await prisma.datasetSlice.update({ where: { id: row.id }, data: { excluded } }));
}

/**
 * Pure: accumulates the lowest and highest sample of the mono mix (the mean of the channels) in `points` equal spans
 * of `totalFrames` frames. Memory: the two arrays of `points` numbers.
 */
export class PeakAccumulator {
  readonly min: Float32Array;
  readonly max: Float32Array;
  private frame = 0;
  private readonly per: number;

  constructor(readonly points: number, totalFrames: number) {
    this.min = new Float32Array(points).fill(Infinity);
    this.max = new Float32Array(points).fill(-Infinity);
    this.per = Math.max(1, totalFrames / points);
  }

  push(channels: Float32Array[]): void {
    const n = channels[0]?.length ?? 0;
    const k = channels.length;
    for (let i = 0; i < n; i++, this.frame++) {
      let v = 0;
      for (let c = 0; c < k; c++) v += channels[c]![i]!;
      v /= k;
      const p = Math.min(this.points - 1, Math.floor(this.frame / this.per));
      if (v < this.min[p]!) this.min[p] = v;
      if (v > this.max[p]!) this.max[p] = v;
    }
  }

  /** the spans (spans that got no frame read as 0), rounded to 4 decimals */
  result(): { min: number[]; max: number[] } {
    const r = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : 0);
    return { min: Array.from(this.min, r), max: Array.from(this.max, r) };
  }
}

export async function filePeaks(name: string, id: string, points: number, prisma: Db = db(), signal?: AbortSignal) {
  const f = await findFile(name, id, prisma);
  const file = paths().uploadFile(name, f.storedName);
  let acc: PeakAccumulator | null = null;
  let frames = 0;
  try {
    await decodeAudioBlocks(
      file,
      {
        format(rate) {
          acc = new PeakAccumulator(points, Math.max(1, Math.round((f.durationSec ?? 1) * rate)));
        },
        block(channels) {
          frames += channels[0]?.length ?? 0;
          acc!.push(channels);
        },
      },
      { signal },
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw notFound("file_missing", "The stored audio is missing from UPLOADS_DIR");
    throw new ApiError(422, "undecodable", `The stored audio of "${f.originalName}" cannot be decoded: ${(err as Error).message}`);
  }
  if (!acc) throw new ApiError(422, "undecodable", `The stored audio of "${f.originalName}" cannot be decoded`);
  return { durationSec: f.durationSec ?? frames / 48000, ...(acc as PeakAccumulator).result() };
}

/** The stored file's path and row, for the audio routes. */
export async function fileForPreview(name: string, id: string, prisma: Db = db()) {
  const f = await findFile(name, id, prisma);
  const exp = await prisma.experiment.findUniqueOrThrow({ where: { name }, select: { cleaning: true } });
  return { file: f, path: paths().uploadFile(name, f.storedName), cleaning: exp.cleaning };
}
