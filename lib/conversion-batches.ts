/**
 * Batch conversion (api.md "Batch conversion"): many clips, one model, one set of settings. A batch is a
 * ConversionBatch row plus one ordinary Conversion (and `convert` job) per clip carrying its batchId, so the worker
 * needs nothing new. Clips come as several `audio` files of a form, as one `.zip` of audio files (unpacked here
 * with the same zip-bomb and path checks as uploads, lib/uploads/zip.ts), or as ids of uploaded files (JSON).
 * A clip that cannot be used (not audio, too short, …) is skipped with its reason; a batch with no usable clip is
 * refused and leaves nothing. The batch's status and counters are refreshed from its conversions' jobs whenever it
 * is read, and its outputs can be downloaded as one zip, streamed (yazl), never built in memory.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type yauzl from "yauzl";
import yazl from "yazl";
import { currentUserId } from "./auth/context";
import { config } from "./config";
import { CONVERSION_PARAM_NAMES, type ConversionParams } from "./conversion-params";
import { parseConversionForm } from "./api/parse";
import { checkAudioName, convertibleModel, createConversion, toApiConversion, type ConversionInput } from "./conversions";
import { db, type Db } from "./db";
import { ApiError, badRequest, conflict, notFound } from "./errors";
import { isUuid } from "./ids";
import { paths } from "./paths";
import type { MultipartRules, StagedForm } from "./multipart";
import { uploadKind } from "./audio/formats";
import { uploadErrors } from "./uploads/errors";
import { zipSizeIssue } from "./uploads/limits";
import { extract, openZip, readEntries } from "./uploads/zip";
import { BATCH_STATUSES, type BatchCreateJson } from "./api/batches";

export type BatchStatus = (typeof BATCH_STATUSES)[number];

export interface Skipped {
  name: string;
  reason: string;
}

interface Clip {
  name: string;
  input: ConversionInput;
}

const tooManyClips = (count: number | string, max: number) =>
  new ApiError(422, "too_many_clips", `A batch holds at most ${max} clips (MAX_BATCH_CLIPS); this one has ${count}`, { limit: max });

const batchTooLarge = (limit: number) =>
  new ApiError(413, "batch_too_large", `The batch is larger than the limit of ${limit} bytes (MAX_BATCH_BYTES); send fewer or shorter clips`, { limit });

/** The multipart form of POST /api/conversions/batch: `audio` up to MAX_BATCH_CLIPS times, or one `zip`; modelId and the settings. */
export function batchFormRules(): MultipartRules {
  const cfg = config();
  return {
    files: {
      audio: {
        maxBytes: cfg.maxConversionBytes,
        required: false,
        missing: 'send the clips as form fields "audio" (one per file) or one "zip"',
        maxCount: cfg.maxBatchClips,
        tooMany: (limit) => tooManyClips(`more than ${limit}`, limit),
        checkName: checkAudioName,
      },
      zip: {
        maxBytes: cfg.maxBatchBytes,
        required: false,
        missing: "",
        checkName: (name) => {
          if (!/\.zip$/i.test(name)) throw new ApiError(415, "unsupported_type", `"${name}" is not a .zip file`, { name });
        },
      },
    },
    fields: ["modelId", ...CONVERSION_PARAM_NAMES],
    maxBodyBytes: cfg.maxBatchBytes + 1024 * 1024,
    tooLarge: ({ field, limit }) =>
      field === "audio"
        ? new ApiError(413, "too_large", `A clip is larger than the limit of ${limit} bytes (MAX_CONVERSION_BYTES)`, { limit })
        : batchTooLarge(limit),
  };
}

/** Create a batch from a staged form (several `audio` files or one `zip`). */
export async function createBatchFromForm(form: StagedForm, prisma: Db = db()) {
  const { modelId, params } = parseConversionForm(form.fields);
  const fields = { modelId };
  const audio = form.all.audio ?? [];
  const zip = form.files.zip;
  if (audio.length > 0 && zip) throw badRequest("mixed_input", 'Send either "audio" files or one "zip", not both');
  if (audio.length === 0 && !zip) throw badRequest("missing_input", 'send the clips as form fields "audio" (one per file) or one "zip"', { field: "audio" });
  await convertibleModel(fields.modelId, prisma);
  if (zip) {
    const { clips, skipped } = await clipsFromZip(zip.path, zip.name, path.join(form.dir, "unzipped"));
    return createBatch({ modelId: fields.modelId, params, clips, skipped }, prisma);
  }
  const clips = audio.map((f) => ({ name: f.name, input: { staged: f } }));
  return createBatch({ modelId: fields.modelId, params, clips, skipped: [] }, prisma);
}

/** Create a batch from already uploaded audio files (JSON). */
export async function createBatchFromFiles(body: BatchCreateJson, prisma: Db = db()) {
  const max = config().maxBatchClips;
  if (body.fileIds.length > max) throw tooManyClips(body.fileIds.length, max);
  const params: ConversionParams = body.params; // parsed (defaults filled) by the route's schema
  const clips = body.fileIds.map((fileId) => ({ name: fileId, input: { fileId } }));
  return createBatch({ modelId: body.modelId, params, clips, skipped: [] }, prisma);
}

/**
 * The audio entries of a zip, unpacked into `workDir`: paths that climb out refuse the archive (422
 * zip_unsafe_path), as do more entries than ZIP_MAX_ENTRIES, more audio entries than MAX_BATCH_CLIPS, more unpacked
 * bytes than MAX_BATCH_BYTES or a zip-bomb ratio, all judged from the central directory before a byte is unpacked
 * (and the unpacked sizes are checked again while streaming). Entries that are not audio, encrypted or over
 * MAX_CONVERSION_BYTES are skipped with the reason.
 */
export async function clipsFromZip(file: string, zipName: string, workDir: string): Promise<{ clips: Clip[]; skipped: Skipped[] }> {
  const cfg = config();
  let zf: yauzl.ZipFile;
  try {
    zf = await openZip(file);
  } catch (err) {
    throw uploadErrors.zipInvalid((err as Error).message);
  }
  try {
    const entries = await readEntries(zf, cfg.zipMaxEntries);
    const unpacked = entries.reduce((s, e) => s + e.uncompressedSize, 0);
    if (unpacked > cfg.maxBatchBytes) throw batchTooLarge(cfg.maxBatchBytes);
    const issue = zipSizeIssue(entries, (await fsp.stat(file)).size, { maxEntries: cfg.zipMaxEntries, maxUnpackedBytes: cfg.maxBatchBytes });
    if (issue) throw issue;
    const skipped: Skipped[] = [];
    const audio: yauzl.Entry[] = [];
    for (const e of entries) {
      const name = e.fileName;
      if (name.endsWith("/")) continue; // a folder
      const base = path.posix.basename(name);
      if (name.startsWith("__MACOSX/") || base.startsWith("._") || base === ".DS_Store") skipped.push({ name, reason: "macOS metadata, not audio" });
      else if (uploadKind(base) !== "audio") skipped.push({ name, reason: "not an audio file type" });
      else if (e.isEncrypted()) skipped.push({ name, reason: "encrypted entries are not supported" });
      else if (e.uncompressedSize > cfg.maxConversionBytes) {
        skipped.push({ name, reason: `larger than the limit of ${cfg.maxConversionBytes} bytes (MAX_CONVERSION_BYTES)` });
      } else audio.push(e);
    }
    if (audio.length > cfg.maxBatchClips) throw tooManyClips(audio.length, cfg.maxBatchClips);
    if (audio.length === 0) throw uploadErrors.zipNoAudio(skipped.map((s) => ({ ...s, name: `${zipName}/${s.name}` })));
    await fsp.mkdir(workDir, { recursive: true });
    const clips: Clip[] = [];
    for (const [i, e] of audio.entries()) {
      const base = path.posix.basename(e.fileName);
      const dest = path.join(workDir, `${i}${path.extname(base).toLowerCase()}`);
      try {
        await extract(zf, e, dest);
      } catch (err) {
        skipped.push({ name: e.fileName, reason: `could not be unpacked: ${(err as Error).message}` });
        continue;
      }
      clips.push({ name: e.fileName, input: { staged: { name: base, path: dest, bytes: (await fsp.stat(dest)).size } } });
    }
    return { clips, skipped };
  } finally {
    zf.close();
  }
}

/** One batch: the row, then one conversion per clip; unusable clips are skipped with the reason, none usable → 422. */
async function createBatch(request: { modelId: string; params: ConversionParams; clips: Clip[]; skipped: Skipped[] }, prisma: Db) {
  const max = config().maxBatchClips;
  if (request.clips.length > max) throw tooManyClips(request.clips.length, max);
  const model = await convertibleModel(request.modelId, prisma);
  const batch = await prisma.conversionBatch.create({
    data: { ownerId: currentUserId(), modelId: model.id, params: request.params as object, total: request.clips.length },
  });
  const skipped = [...request.skipped];
  let accepted = 0;
  try {
    for (const clip of request.clips) {
      try {
        await createConversion({ modelId: model.id, input: clip.input, params: request.params }, prisma, batch.id);
        accepted++;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500) throw err;
        skipped.push({ name: clip.name, reason: err.message });
      }
    }
  } catch (err) {
    await discardBatch(batch.id, prisma);
    throw err;
  }
  if (accepted === 0) {
    await prisma.conversionBatch.delete({ where: { id: batch.id } });
    throw new ApiError(422, "no_usable_clips", `None of the ${request.clips.length} clip(s) can be converted`, { skipped });
  }
  await prisma.conversionBatch.update({ where: { id: batch.id }, data: { total: accepted, skipped: skipped as object[] } });
  return getBatch(batch.id, prisma);
}

/** Undo a half-created batch (an unexpected error): its conversions and files are removed (their queued jobs then end as "the conversion was deleted"). */
async function discardBatch(id: string, prisma: Db): Promise<void> {
  const rows = await prisma.conversion.findMany({ where: { batchId: id }, select: { id: true } });
  await prisma.conversion.deleteMany({ where: { batchId: id } });
  await prisma.conversionBatch.delete({ where: { id } });
  for (const r of rows) await fsp.rm(paths().conversionDir(r.id), { recursive: true, force: true });
}

const include = {
  model: { select: { id: true, name: true } },
  conversions: { orderBy: { createdAt: "asc" }, include: { model: { select: { id: true, name: true, sampleRate: true } }, job: true } },
} as const;

type BatchRow = NonNullable<Awaited<ReturnType<typeof loadBatch>>>;

function loadBatch(id: string, prisma: Db) {
  return prisma.conversionBatch.findUnique({ where: { id }, include });
}

/** Pure: status and counters from the clips' states; a clip deleted from the history counts as failed. */
export function batchProgress(total: number, clips: { status: string; progress: number }[]) {
  const done = clips.filter((c) => c.status === "succeeded").length;
  const failed = total - clips.length + clips.filter((c) => c.status === "failed" || c.status === "cancelled").length;
  const finished = done + failed >= total;
  let status: BatchStatus;
  if (finished) status = failed === 0 ? "succeeded" : done === 0 ? "failed" : "partial";
  else status = clips.some((c) => c.status !== "queued") || done + failed > 0 ? "running" : "queued";
  const sum = clips.reduce((s, c) => s + (c.status === "succeeded" || c.status === "failed" || c.status === "cancelled" ? 1 : Math.min(1, Math.max(0, c.progress))), 0);
  const progress = total === 0 ? 1 : Math.min(1, (sum + (total - clips.length)) / total);
  return { status, done, failed, finished, progress };
}

/** The batch as the API shows it; its stored status and counters are brought up to date on the way. */
async function present(row: BatchRow, prisma: Db) {
  const conversions = row.conversions.map(toApiConversion);
  const p = batchProgress(row.total, conversions);
  let finishedAt = row.finishedAt;
  if (p.status !== row.status || p.done !== row.done || p.failed !== row.failed || (p.finished && !finishedAt)) {
    finishedAt = p.finished ? (finishedAt ?? new Date()) : null;
    await prisma.conversionBatch.update({ where: { id: row.id }, data: { status: p.status, done: p.done, failed: p.failed, finishedAt } });
  }
  return {
    id: row.id,
    modelId: row.modelId,
    model: row.model,
    params: row.params as unknown as ConversionParams,
    status: p.status,
    total: row.total,
    done: p.done,
    failed: p.failed,
    progress: p.progress,
    skipped: row.skipped as unknown as Skipped[],
    createdAt: row.createdAt,
    finishedAt,
    downloadUrl: `/api/conversions/batch/${row.id}/download`,
    conversions,
  };
}

async function findBatch(id: string, prisma: Db): Promise<BatchRow> {
  const row = isUuid(id) ? await loadBatch(id, prisma) : null;
  if (!row) throw notFound("batch_not_found", `No batch with id "${id}"`, { id });
  return row;
}

export async function getBatch(id: string, prisma: Db = db()) {
  return present(await findBatch(id, prisma), prisma);
}

/** Recent batches (`limit`: 1..100, checked by the route's query schema), newest first, without their clip lists. */
export async function listBatches(limit: number, prisma: Db = db()) {
  const rows = await prisma.conversionBatch.findMany({ orderBy: { createdAt: "desc" }, take: limit, include });
  const out = [];
  for (const row of rows) {
    const { conversions: _omit, ...rest } = await present(row, prisma);
    out.push(rest);
  }
  return out;
}

/** Pure: zip entry names for the outputs, `<input stem>.<model>.wav`, made unique with ` (2)`, ` (3)`… */
export function outputNames(inputs: string[], model: string): string[] {
  const used = new Set<string>();
  return inputs.map((input) => {
    const base = path.posix.basename(input.replace(/\\/g, "/"));
    const stem = base.slice(0, base.length - path.extname(base).length) || "clip";
    let name = `${stem}.${model}.wav`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${stem} (${n}).${model}.wav`;
    used.add(name.toLowerCase());
    return name;
  });
}

/** The succeeded outputs as one zip, streamed from disk (stored, not recompressed: WAV barely shrinks); 409 while none has succeeded. */
export async function batchZip(id: string, prisma: Db = db()): Promise<{ name: string; body: ReadableStream }> {
  const row = await findBatch(id, prisma);
  const ready = row.conversions.filter((c) => c.outputPath && toApiConversion(c).status === "succeeded" && fs.existsSync(c.outputPath));
  if (ready.length === 0) {
    throw conflict("batch_not_ready", "No clip of this batch has been converted yet; try again when some have succeeded", { id });
  }
  const model = (row.model?.name ?? "converted").replace(/[^\w.-]+/g, "_");
  const names = outputNames(
    ready.map((c) => c.inputName),
    model,
  );
  const zip = new yazl.ZipFile();
  ready.forEach((c, i) => zip.addFile(c.outputPath!, names[i]!, { compress: false }));
  zip.end();
  return { name: `${model}-batch-${row.id.slice(0, 8)}.zip`, body: Readable.toWeb(zip.outputStream as Readable) as ReadableStream };
}
