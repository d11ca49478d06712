/**
 * From a finished upload to AudioFile rows: validate on create, then on finish probe + hash, de-duplicate,
 * check the quota and move the file under UPLOADS_DIR/{exp}/ with a generated name, all under the experiment's
 * row lock so that parallel finishes and renames cannot interleave.
 */
import type { AudioStats } from "../api/common";
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { config } from "../config";
import { currentUserId } from "../auth/context";
import { db, Prisma, type AudioFile, type Db } from "../db";
import { notFound } from "../errors";
import { checkName } from "../experiment-rules";
import { paths } from "../paths";
import { extensionOf, uploadKind, type UploadKind } from "../audio/formats";
import { AudioRejected, probeAudio, type AudioProbe } from "../audio/probe";
import { uploadErrors } from "./errors";
import { unfinishedIssue, type UnfinishedUpload } from "./limits";
import { cleanOriginalName } from "./names";
import { ClipAnalysis } from "../dataset/analysis";
import { clipFlags } from "../dataset/flags";

export interface UploadRequest {
  experiment: string;
  filename: string;
  size: number | undefined;
}

export interface AcceptedUpload {
  experimentId: string;
  experiment: string;
  filename: string;
  kind: UploadKind;
}

const missingExperiment = (name: string) => notFound("experiment_not_found", `No experiment named "${name}"`, { name });

export async function usedBytes(experimentId: string, prisma: Db | Prisma.TransactionClient = db()): Promise<number> {
  const r = await prisma.audioFile.aggregate({ where: { experimentId }, _sum: { bytes: true } });
  return Number(r._sum.bytes ?? 0n);
}

/**
 * Everything that can be decided before the first byte: experiment, name, type, size, and the quota and caps
 * with the uploads already in progress (`unfinished`, counted by their declared lengths).
 */
export async function acceptUpload(req: UploadRequest, unfinished: readonly UnfinishedUpload[] = [], prisma: Db = db()): Promise<AcceptedUpload> {
  const cfg = config();
  if (!req.experiment) throw uploadErrors.missingMetadata("experiment");
  if (!req.filename) throw uploadErrors.missingMetadata("filename");
  const filename = cleanOriginalName(req.filename);
  const kind = uploadKind(filename);
  if (!kind) throw uploadErrors.unsupportedType(filename);
  if (req.size === undefined) throw uploadErrors.lengthRequired();
  if (req.size === 0) throw uploadErrors.empty(filename);
  if (req.size > cfg.maxUploadBytes) throw uploadErrors.tooLarge(req.size, cfg.maxUploadBytes);
  const name = checkName(req.experiment);
  const exp = await prisma.experiment.findUnique({ where: { name }, select: { id: true } });
  if (!exp) throw missingExperiment(name);
  const used = await usedBytes(exp.id, prisma);
  const issue = unfinishedIssue({ experiment: name, experimentId: exp.id, size: req.size }, used, unfinished, {
    quotaBytes: cfg.experimentQuotaBytes,
    perExperiment: cfg.maxUnfinishedUploads,
    total: cfg.maxUnfinishedUploadsTotal,
  });
  if (issue) throw issue;
  return { experimentId: exp.id, experiment: name, filename, kind };
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on("data", (d) => h.update(d))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

/** Put src at dest without losing src (the tus store still reads it until the response is out). */
async function placeCopy(src: string, dest: string): Promise<void> {
  try {
    await fs.link(src, dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP") throw err;
    await fs.copyFile(src, dest, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
  }
}

export type AudioFileJson = ReturnType<typeof audioFileJson>;

export function audioFileJson(f: AudioFile) {
  return {
    id: f.id,
    name: f.originalName,
    storedName: f.storedName,
    bytes: Number(f.bytes),
    durationSec: f.durationSec,
    sampleRate: f.sampleRate,
    channels: f.channels,
    codec: f.codec,
    sha256: f.sha256,
    status: f.status as "ready" | "rejected",
    error: f.error,
    stats: f.stats as AudioStats | null,
    ...analysisWithFlags(f.analysis, { isSlice: false }),
    excluded: f.excluded,
    useVocals: f.useVocals,
    createdAt: f.createdAt.toISOString(),
  };
}

/** A stored analysis (null when absent or of an older shape) and the dataset doctor's flags for it. */
export function analysisWithFlags(stored: unknown, opts: { isSlice: boolean }) {
  const analysis = storedAnalysis(stored);
  return { analysis, flags: analysis ? clipFlags(analysis, opts) : [] };
}

/** A stored analysis if it has the current shape (an older analyser's is shown as none until re-analysed). */
export function storedAnalysis(v: unknown): ClipAnalysis | null {
  const r = ClipAnalysis.safeParse(v);
  return r.success ? r.data : null;
}

/** Probe and hash at once; AudioRejected becomes the API's 422 with the reason. */
export async function examine(file: string, name: string): Promise<{ probe: AudioProbe; sha256: string; bytes: number }> {
  const [probe, sha256, stat] = await Promise.all([
    probeAudio(file).catch((err: unknown) => {
      if (err instanceof AudioRejected) {
        if (err.problem === "empty") throw uploadErrors.empty(name);
        throw uploadErrors.invalidAudio(name, err.problem, err.message);
      }
      throw err;
    }),
    sha256File(file),
    fs.stat(file),
  ]);
  return { probe, sha256, bytes: stat.size };
}

/** Record one examined file and place it under UPLOADS_DIR/{exp}/ (never moves src). */
export async function recordAudio(
  src: string,
  experimentId: string,
  originalName: string,
  e: { probe: AudioProbe; sha256: string; bytes: number },
  prisma: Db = db(),
): Promise<AudioFile> {
  const cfg = config();
  const id = randomUUID();
  const ext = extensionOf(originalName) || "audio";
  const storedName = `${id}.${ext}`;
  let placed: string | undefined;
  try {
    return await prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ name: string; status: string }[]>`
          SELECT name, status FROM "Experiment" WHERE id = ${experimentId}::uuid FOR UPDATE`;
        const exp = rows[0];
        if (!exp) throw notFound("experiment_not_found", "The experiment was deleted while the file was uploading");
        const same = await tx.audioFile.findFirst({
          where: { experimentId, sha256: e.sha256 },
          select: { id: true, originalName: true },
        });
        if (same) throw uploadErrors.duplicate(originalName, same);
        const used = await usedBytes(experimentId, tx);
        if (used + e.bytes > cfg.experimentQuotaBytes) throw uploadErrors.quota(exp.name, used, e.bytes, cfg.experimentQuotaBytes);
        const row = await tx.audioFile.create({
          data: {
            id,
            createdById: currentUserId(),
            experimentId,
            originalName,
            storedName,
            bytes: BigInt(e.bytes),
            durationSec: e.probe.durationSec,
            sampleRate: e.probe.sampleRate,
            channels: e.probe.channels,
            codec: e.probe.codec,
            stats: { ...e.probe.stats },
            sha256: e.sha256,
            status: "ready",
          },
        });
        if (exp.status === "new") await tx.experiment.update({ where: { id: experimentId }, data: { status: "uploaded" } });
        const dir = paths().experimentUploads(exp.name);
        await fs.mkdir(dir, { recursive: true });
        placed = paths().uploadFile(exp.name, storedName);
        await placeCopy(src, placed);
        return row;
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
  } catch (err) {
    if (placed) await fs.rm(placed, { force: true });
    throw err;
  }
}

/** A single finished audio upload. */
export async function ingestAudio(src: string, experimentId: string, originalName: string): Promise<AudioFile> {
  const e = await examine(src, originalName);
  return recordAudio(src, experimentId, originalName, e);
}

