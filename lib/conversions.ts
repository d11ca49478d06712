/**
 * Conversions (api.md `/api/conversions`): accept an input (an uploaded file of an experiment, or audio sent with the
 * request, staged on disk by lib/multipart.ts), check it is audio of a sensible length, keep it under DATA_ROOT/conversions/{id}/, queue a `convert` job;
 * list, get, stream the input and the output, delete. The work itself is worker/convert/. A song cover (createCover)
 * is a Conversion with mode "cover", worked by worker/cover/.
 */
import { currentUserId } from "./auth/context";
import fsp from "node:fs/promises";
import path from "node:path";
import { config } from "./config";
import type { Conversion, Db, Job, VoiceModel } from "./db";
import { db } from "./db";
import { ApiError, badRequest, conflict, notFound } from "./errors";
import { ACTIVE_JOB_STATUSES } from "./experiments";
import { assertMayChange } from "./auth/ownership";
import { CONVERSION_PARAM_NAMES, MIN_CONVERSION_SECONDS, type ConversionParams } from "./conversion-params";
import { parseConversionForm, parseCoverForm } from "./api/parse";
import { COVER_PARAM_NAMES, type CoverMix } from "./cover-params";
import type { Stem } from "./separation";
import { separationModelMissing } from "./separation-rules";
import { enqueueJob } from "./jobs";
import type { ModelFile } from "./models";
import { isUuid } from "./ids";
import { moveFile, type MultipartRules, type StagedFile, type StagedForm } from "./multipart";
import { paths } from "./paths";
import { AudioRejected, probeAudio } from "./audio/probe";
import { AUDIO_EXTENSIONS, extensionOf } from "./audio/formats";
import type { ServedFile } from "./file-response";
import { audioContentType } from "./uploads/http-range";

type Row = Conversion & { model: Pick<VoiceModel, "id" | "name" | "sampleRate"> | null; job: Job | null };

export function toApiConversion(c: Row) {
  const status = c.job?.status ?? (c.outputPath ? "succeeded" : "failed");
  return {
    id: c.id,
    modelId: c.modelId,
    model: c.model ? { id: c.model.id, name: c.model.name, sampleRate: c.model.sampleRate } : null,
    inputName: c.inputName,
    inputSeconds: c.inputSeconds,
    params: c.params as unknown as ConversionParams,
    status,
    progress: c.job?.progress ?? (status === "succeeded" ? 1 : 0),
    stage: c.job?.stage ?? null,
    error: c.job?.error ?? null,
    jobId: c.jobId,
    batchId: c.batchId,
    createdAt: c.createdAt,
    finishedAt: c.finishedAt,
    inputUrl: `/api/conversions/${c.id}/input`,
    audioUrl: c.outputPath && status === "succeeded" ? `/api/conversions/${c.id}/audio` : null,
    sampleRate: c.sampleRate,
    outputSeconds: c.outputSeconds,
    mode: c.mode === "cover" ? ("cover" as const) : ("voice" as const),
    cover: c.mode === "cover" ? ((c.cover ?? null) as CoverMix | null) : null,
    stems:
      c.mode === "cover" && c.outputPath && status === "succeeded"
        ? { vocals: `/api/conversions/${c.id}/stems/vocals`, accompaniment: `/api/conversions/${c.id}/stems/accompaniment` }
        : null,
  };
}

const include = { model: { select: { id: true, name: true, sampleRate: true } }, job: true } as const;

async function findConversion(id: string, prisma: Db): Promise<Row> {
  const c = isUuid(id) ? await prisma.conversion.findUnique({ where: { id }, include }) : null;
  if (!c) throw notFound("conversion_not_found", `No conversion with id "${id}"`, { id });
  return c;
}

export async function getConversion(id: string, prisma: Db = db()) {
  return toApiConversion(await findConversion(id, prisma));
}

/** The newest `limit` conversions (the route's query schema checks 1..100). */
export async function listConversions(limit = 20, prisma: Db = db()) {
  const rows = await prisma.conversion.findMany({ orderBy: { createdAt: "desc" }, take: limit, include });
  return rows.map(toApiConversion);
}

/** The input of a new conversion: an uploaded file of an experiment, or a file sent with the request. */
export type ConversionInput = { fileId: string } | { staged: Pick<StagedFile, "name" | "path" | "bytes"> };

/** The rules of the multipart form: the `audio` file (name checked before its content), modelId and the params. */
export function conversionFormRules(): MultipartRules {
  const max = config().maxConversionBytes;
  return {
    files: {
      audio: { maxBytes: max, required: true, missing: 'send the audio to convert as form field "audio"', missingCode: "missing_input", checkName: checkAudioName },
    },
    fields: ["modelId", ...CONVERSION_PARAM_NAMES],
    tooLarge: ({ limit }) => new ApiError(413, "too_large", `The audio is larger than the limit of ${max} bytes (MAX_CONVERSION_BYTES)`, { limit }),
  };
}

export function checkAudioName(fileName: string): void {
  if (!(AUDIO_EXTENSIONS as readonly string[]).includes(extensionOf(safeInputName(fileName)))) {
    throw new ApiError(415, "unsupported_type", `"${fileName}" is not a supported audio file; use one of ${AUDIO_EXTENSIONS.map((e) => "." + e).join(", ")}`, { name: fileName });
  }
}

/** The multipart form of POST /api/covers: conversionFormRules and the mix settings. */
export function coverFormRules(): MultipartRules {
  const rules = conversionFormRules();
  return { ...rules, fields: [...rules.fields, ...COVER_PARAM_NAMES] };
}

function stagedAudio(form: StagedForm): StagedFile {
  const audio = form.files.audio;
  if (!audio) throw badRequest("missing_input", 'send the audio to convert as form field "audio"', { field: "audio" });
  return audio;
}

/** Parse a multipart body read by readMultipart under conversionFormRules: audio (staged file), modelId, params. */
export function parseFormRequest(form: StagedForm): { modelId: string; input: ConversionInput; params: ConversionParams } {
  const audio = stagedAudio(form);
  const { modelId, params } = parseConversionForm(form.fields);
  return { modelId, input: { staged: audio }, params };
}

/** Parse a multipart body read under coverFormRules: the conversion's parts and the mix settings. */
export function parseCoverFormRequest(form: StagedForm): CoverRequest {
  const audio = stagedAudio(form);
  const { modelId, params, cover } = parseCoverForm(form.fields);
  return { modelId, input: { staged: audio }, params, cover };
}

/** A model that can convert: it exists and has its ONNX export. */
export async function convertibleModel(modelId: string, prisma: Db): Promise<VoiceModel> {
  const m = isUuid(modelId) ? await prisma.voiceModel.findUnique({ where: { id: modelId } }) : null;
  if (!m) throw notFound("model_not_found", `No model with id "${modelId}"`, { modelId });
  const files = m.files as unknown as ModelFile[];
  if (!files.some((f) => f.kind === "onnx")) {
    throw conflict("model_not_ready", `Model "${m.name}" has no ONNX export yet; wait for its export job to finish (see GET /api/jobs?kind=export)`, { modelId });
  }
  return m;
}

function safeInputName(name: string): string {
  const base = path.basename(name || "input").replace(/[^\w.\- ()]+/g, "_").slice(-120);
  return base === "" || base.startsWith(".") ? `input${base}` : base;
}

/** Copy the input into dir as input.<ext>; returns its path and the user's file name. */
async function storeInput(input: ConversionInput, dir: string, prisma: Db): Promise<{ file: string; name: string }> {
  if ("fileId" in input) {
    const f = isUuid(input.fileId)
      ? await prisma.audioFile.findUnique({ where: { id: input.fileId }, include: { experiment: { select: { name: true } } } })
      : null;
    if (!f || f.status !== "ready") throw notFound("file_not_found", `No uploaded audio file with id "${input.fileId}"`, { fileId: input.fileId });
    const source = paths().uploadFile(f.experiment.name, f.storedName);
    const ext = extensionOf(f.originalName) || "wav";
    const file = path.join(dir, `input.${ext}`);
    await fsp.copyFile(source, file).catch(() => {
      throw notFound("file_not_found", `The stored copy of "${f.originalName}" is missing`, { fileId: input.fileId });
    });
    return { file, name: f.originalName };
  }
  const { staged } = input;
  const max = config().maxConversionBytes;
  if (staged.bytes > max) {
    throw new ApiError(413, "too_large", `The audio is ${staged.bytes} bytes; the limit is ${max} (MAX_CONVERSION_BYTES)`, { bytes: staged.bytes, limit: max });
  }
  checkAudioName(staged.name);
  const name = safeInputName(staged.name);
  const file = path.join(dir, `input.${extensionOf(name)}`);
  await moveFile(staged.path, file);
  return { file, name };
}

export interface CoverRequest {
  modelId: string;
  input: ConversionInput;
  params: ConversionParams;
  cover: CoverMix;
}

/**
 * Accept a song cover (POST /api/covers): a conversion with mode "cover" and its mix settings, queued as a `cover`
 * job (worker/cover/job.ts). Refused with 503 separation_model_missing before anything is stored.
 */
export async function createCover(request: CoverRequest, prisma: Db = db()) {
  const missing = separationModelMissing();
  if (missing) throw missing;
  return createConversion(request, prisma);
}

/**
 * Accept a conversion: store and check its input, create the row, queue the job. 202 {conversion, job}. `batchId`:
 * one clip of a batch (lib/conversion-batches.ts). With `cover` (createCover) it is a song cover: mode "cover", a `cover` job.
 */
export async function createConversion(request: { modelId: string; input: ConversionInput; params: ConversionParams; cover?: CoverMix }, prisma: Db = db(), batchId?: string) {
  const model = await convertibleModel(request.modelId, prisma);
  const cover = request.cover;
  const id = crypto.randomUUID();
  const dir = paths().conversionDir(id);
  await fsp.mkdir(dir, { recursive: true });
  try {
    const input = await storeInput(request.input, dir, prisma);
    let seconds: number;
    try {
      seconds = (await probeAudio(input.file)).durationSec;
    } catch (err) {
      if (err instanceof AudioRejected) {
        // not audio at all → 415 as before; audio whose header breaks the limits (rate, channels, lying length) → 422 as for uploads
        const notAudio = ["not_audio", "no_audio_stream"].includes(err.problem);
        throw new ApiError(notAudio ? 415 : 422, notAudio ? "not_audio" : "invalid_audio", `"${input.name}" cannot be used: ${err.message}`, { problem: err.problem });
      }
      throw err;
    }
    const max = config().maxConversionSeconds;
    if (seconds < MIN_CONVERSION_SECONDS) {
      throw new ApiError(422, "too_short", `"${input.name}" is ${seconds.toFixed(2)} s long; a conversion needs at least ${MIN_CONVERSION_SECONDS} s`, { seconds });
    }
    if (seconds > max) {
      throw new ApiError(422, "too_long", `"${input.name}" is ${Math.round(seconds)} s long; the limit is ${max} s (MAX_CONVERSION_SECONDS)`, { seconds, limit: max });
    }
    await prisma.conversion.create({
      data: {
        id,
        createdById: currentUserId(),
        batchId: batchId ?? null,
        modelId: model.id,
        inputName: input.name,
        inputPath: input.file,
        inputSeconds: seconds,
        params: request.params as object,
        ...(cover ? { mode: "cover", cover: cover as object } : {}),
      },
    });
    let job: Job;
    try {
      job = await enqueueJob({ kind: cover ? "cover" : "convert", params: { conversionId: id, modelId: model.id, ...request.params, ...cover } }, prisma);
    } catch (err) {
      await prisma.conversion.delete({ where: { id } });
      throw err;
    }
    await prisma.conversion.update({ where: { id }, data: { jobId: job.id } });
    const conversion = await getConversion(id, prisma);
    return { conversion, job: { id: job.id, kind: job.kind, status: job.status } };
  } catch (err) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Remove a conversion from the history with its files; refused while its job is queued or running. */
export async function deleteConversion(id: string, prisma: Db = db()): Promise<void> {
  const c = await findConversion(id, prisma);
  await assertMayChange({ what: `conversion of "${c.inputName}"`, createdById: c.createdById }, "delete", prisma);
  if (c.job && (ACTIVE_JOB_STATUSES as readonly string[]).includes(c.job.status)) {
    throw conflict("conversion_busy", `The conversion is ${c.job.status}; cancel it first (POST /api/jobs/${c.job.id}/cancel)`, { jobId: c.job.id });
  }
  await prisma.conversion.delete({ where: { id: c.id } });
  await fsp.rm(paths().conversionDir(c.id), { recursive: true, force: true });
}

/** The converted WAV; 409 until the conversion has succeeded. */
export async function conversionAudio(id: string, prisma: Db = db()): Promise<ServedFile> {
  const c = await findConversion(id, prisma);
  const api = toApiConversion(c);
  if (!api.audioUrl || !c.outputPath) {
    throw conflict("conversion_not_ready", `The conversion is ${api.status}${api.error ? `: ${api.error}` : ""}; its audio is not available`, { status: api.status });
  }
  const stem = path.basename(c.inputName, path.extname(c.inputName));
  return { path: c.outputPath, type: "audio/wav", name: `${stem}.${c.model?.name ?? "converted"}.wav` };
}

/** A finished cover's stem as mixed (404 stem_not_found for a voice conversion or before the cover succeeded). */
export async function conversionStem(id: string, stem: Stem, prisma: Db = db()): Promise<ServedFile> {
  const c = await findConversion(id, prisma);
  const api = toApiConversion(c);
  if (c.mode !== "cover") throw notFound("stem_not_found", `The conversion of "${c.inputName}" is not a song cover; only covers (POST /api/covers) have stems`, { id, stem });
  if (!api.stems) {
    throw notFound("stem_not_found", `The cover of "${c.inputName}" is ${api.status}${api.error ? `: ${api.error}` : ""}; its ${stem} stem is there once it succeeded`, { id, stem, status: api.status });
  }
  const base = path.basename(c.inputName, path.extname(c.inputName));
  return { path: paths().conversionStem(c.id, stem), type: "audio/wav", name: `${base}.${c.model?.name ?? "cover"} (${stem}).wav` };
}

/** The original input, for side-by-side listening. */
export async function conversionInput(id: string, prisma: Db = db()): Promise<ServedFile> {
  const c = await findConversion(id, prisma);
  return { path: c.inputPath, type: audioContentType(c.inputPath), name: c.inputName };
}

/** What each convert job works on, for job lists: job id → `{ model, input }` (model null once deleted). */
export async function conversionsOfJobs(jobIds: string[], prisma: Db = db()): Promise<Map<string, { model: string | null; input: string }>> {
  if (jobIds.length === 0) return new Map();
  const rows = await prisma.conversion.findMany({
    where: { jobId: { in: jobIds } },
    select: { jobId: true, inputName: true, model: { select: { name: true } } },
  });
  return new Map(rows.map((r) => [r.jobId!, { model: r.model?.name ?? null, input: r.inputName }]));
}
