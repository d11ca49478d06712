/**
 * The API's shared shapes as zod 4 schemas: the one source for validation (request parts), response types
 * (`z.infer`), the UI's fetch types and the OpenAPI document (lib/openapi.ts turns them into JSON Schema with
 * `z.toJSONSchema`; a schema with `.meta({ id })` becomes `#/components/schemas/<id>`). Objects are strict: an
 * unknown field is refused (400 `unknown_field`). Pure: no I/O, safe to import from the browser.
 */
import { z } from "zod";
import { CONVERSION_DEFAULTS, CONVERSION_FIELDS, CONVERSION_PARAM_NAMES, type ChoiceField, type ConversionParams as ConversionParamsType, type NumberField } from "../conversion-params";
import { COVER_DEFAULTS, COVER_FIELDS, COVER_PARAM_NAMES, type CoverMix as CoverMixType } from "../cover-params";
import { DEFAULT_SETTINGS, EXPERIMENT_NAME_PATTERN, EXPERIMENT_NAME_RULE, F0_METHODS, SAMPLE_RATES, VERSIONS } from "../experiment-rules";
import { JobKind as JobKinds, JobStatus as JobStatuses } from "../generated/prisma/enums";
import { PRECISIONS, TRAIN_DEFAULTS } from "../train-options";
import { ROLES, TOKEN_SCOPES } from "../auth/roles";
import { CleaningOptions, ClipAnalysis, Flag, FlagCode } from "../dataset/analysis";

export { CleaningOptions, ClipAnalysis, Flag, FlagCode };

// ───────────────────────────── building blocks ─────────────────────────────

/** A whole number in [min, max]; the message states the rule (the wrapper prefixes the field and the value). */
export const wholeNumber = (min: number, max: number) =>
  z.int({ error: `must be a whole number from ${min} to ${max}` }).min(min, { error: `must be a whole number from ${min} to ${max}` }).max(max, { error: `must be a whole number from ${min} to ${max}` });

/** One of a fixed list; the message lists them. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(", ")}` });

/** One of a fixed list of numbers. */
export const oneOfNumbers = <const T extends readonly [number, ...number[]]>(values: T) =>
  z.union(values.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<T[number]>, z.ZodLiteral<T[number]>], {
    error: `must be one of ${values.join(", ")}`,
  });

/** An ISO 8601 time (the server sends Dates, which JSON turns into this). */
export const Timestamp = z.iso.datetime({ offset: true });
export const Uuid = z.uuid();
/** An id in a path: anything else than an existing id is a 404 of the route, not a 400 */
export const PathId = z.string().min(1).max(200);

// ───────────────────────────── rules ─────────────────────────────

export const ExperimentName = z
  .string({ error: `must be ${EXPERIMENT_NAME_RULE}` })
  .regex(EXPERIMENT_NAME_PATTERN, { error: `must be ${EXPERIMENT_NAME_RULE}` })
  .meta({ id: "ExperimentName", description: EXPERIMENT_NAME_RULE });
export const SampleRate = oneOfNumbers(SAMPLE_RATES).meta({ id: "SampleRate" });
export const F0Method = oneOf(F0_METHODS).meta({ id: "F0Method", description: "rmvpe needs the RMVPE model under ASSETS_ROOT; yin needs no weights" });
export const Version = oneOf(VERSIONS).meta({ id: "Version" });
export const JobKind = oneOf(Object.values(JobKinds) as [JobKinds, ...JobKinds[]]).meta({ id: "JobKind" });
export const JobStatus = oneOf(Object.values(JobStatuses) as [JobStatuses, ...JobStatuses[]]).meta({ id: "JobStatus" });
export const Role = oneOf(ROLES).meta({ id: "Role", description: "viewer < member < admin" });
export const TokenScope = oneOf(TOKEN_SCOPES);

// ───────────────────────────── errors ─────────────────────────────

export const ErrorBody = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: "machine-readable, e.g. `experiment_not_found`" }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string().optional().meta({ description: "500 only: the id under which the server log holds the details (also the `x-request-id` header)" }),
    }),
  })
  .meta({ id: "Error", description: "Every error: a machine code, a message that says what went wrong and how to fix it, and optional details" });
export type ErrorBody = z.infer<typeof ErrorBody>;

// ───────────────────────────── experiments ─────────────────────────────

const creator = { createdById: Uuid.nullable().meta({ description: "the user who created it (null: before accounts, or the user was deleted)" }) };

const experimentFields = {
  id: Uuid,
  name: ExperimentName,
  sampleRate: SampleRate,
  f0Method: F0Method,
  version: Version,
  status: z.enum(["new", "uploaded", "preprocessed", "extracted", "trained"]).meta({
    description: "how far the experiment has got; set by uploads and by the preprocess, extract and train jobs",
  }),
  cleaning: CleaningOptions.meta({ description: "the dataset doctor's cleaning that preprocess applies (all off by default; the uploads are never changed)" }),
  isolateVocals: z.boolean().meta({
    description: "isolate vocals (issue 19): each new upload is separated by the separate job after it arrives, and preprocess then uses its vocal stem (off by default)",
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  ...creator,
};

export const Experiment = z.strictObject(experimentFields).meta({ id: "Experiment", description: "An experiment" });
export type Experiment = z.infer<typeof Experiment>;

export const ExperimentListItem = z
  .strictObject({
    ...experimentFields,
    fileCount: z.int().meta({ description: "uploaded files, ready or rejected" }),
    totalSeconds: z.number().meta({ description: "summed duration of its ready files" }),
  })
  .meta({ id: "ExperimentListItem" });
export type ExperimentListItem = z.infer<typeof ExperimentListItem>;

export const CreateExperimentBody = z
  .strictObject({
    name: ExperimentName,
    sampleRate: SampleRate.default(DEFAULT_SETTINGS.sampleRate),
    f0Method: F0Method.default(DEFAULT_SETTINGS.f0Method),
    version: Version.default(DEFAULT_SETTINGS.version),
  })
  .meta({ id: "CreateExperiment" });
export type CreateExperimentBody = z.input<typeof CreateExperimentBody>;

export const ExperimentPatchBody = z
  .strictObject({
    name: ExperimentName.optional(),
    sampleRate: SampleRate.optional(),
    f0Method: F0Method.optional(),
    version: Version.optional(),
    cleaning: CleaningOptions.optional().meta({ description: "the dataset doctor's cleaning options (all four fields); a change makes preprocess out of date" }),
    isolateVocals: z
      .boolean({ error: "must be true or false" })
      .optional()
      .meta({
        description:
          "true: separate each new upload after it arrives (503 `separation_model_missing` when turning it on without the model). Files uploaded before are not touched: the answer's `filesToSeparate` counts them, POST …/separate queues them",
      }),
  })
  .refine((p) => Object.keys(p).length > 0, {
    error: "Nothing to change: send one or more of name, sampleRate, f0Method, version, cleaning, isolateVocals",
    params: { code: "empty_patch" },
  })
  .meta({ id: "ExperimentPatch", description: "one or more settings; `name` renames the experiment and moves its folders", minProperties: 1 });
export type ExperimentPatchBody = z.input<typeof ExperimentPatchBody>;

// ───────────────────────────── files ─────────────────────────────

export const AudioStats = z
  .strictObject({
    peak: z.number().meta({ description: "largest |sample| over all channels (may exceed 1 for float files)" }),
    peakDb: z.number().meta({ description: "dBFS, floored at -200" }),
    rmsDb: z.number().meta({ description: "dBFS" }),
    clippedFraction: z.number().meta({ description: "share of samples at full scale" }),
    silentFraction: z.number().meta({ description: "share of 50 ms windows below the silence level" }),
  })
  .meta({ id: "AudioStats", description: "level statistics from the upload probe" });
export type AudioStats = z.infer<typeof AudioStats>;

export const AudioFile = z
  .strictObject({
    id: Uuid,
    name: z.string().meta({ description: "the uploaded file's (cleaned) original name" }),
    storedName: z.string().meta({ description: "the generated name under UPLOADS_DIR/{experiment}/" }),
    bytes: z.int(),
    durationSec: z.number().nullable(),
    sampleRate: z.int().nullable(),
    channels: z.int().nullable(),
    codec: z.string().nullable(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    status: z.enum(["ready", "rejected"]),
    error: z.string().nullable(),
    stats: AudioStats.nullable(),
    analysis: ClipAnalysis.nullable().meta({ description: "the dataset doctor's measurements; null until the analyze job has run" }),
    flags: z.array(Flag).meta({ description: "what the measurements say to fix (thresholds in docs/api.md, 'Dataset doctor')" }),
    excluded: z.boolean().meta({ description: "left out of training (PATCH …/files/{id}); its slices never reach filelist.txt" }),
    useVocals: z.boolean().meta({ description: "its vocals were isolated (POST …/files/{id}/separate): preprocess uses the vocal stem, the stems are at …/files/{id}/stems/{vocals|accompaniment}" }),
    createdAt: Timestamp,
  })
  .meta({ id: "AudioFile", description: "An uploaded file" });
export type AudioFile = z.infer<typeof AudioFile>;

const CardEntry = z.strictObject({ name: z.string(), seconds: z.number() });
export const DatasetCard = z
  .strictObject({
    fileCount: z.int(),
    totalSeconds: z.number(),
    shortest: CardEntry.nullable(),
    longest: CardEntry.nullable(),
    sampleRates: z.record(z.string(), z.int()).meta({ description: "sample rate → number of files" }),
    warnings: z.array(
      z.strictObject({
        code: z.enum(["no_audio", "under_1_minute", "under_10_minutes", "clipping", "low_level", "mostly_silence", "mixed_sample_rates"]),
        level: z.enum(["error", "warning"]),
        message: z.string(),
        files: z.array(Uuid).optional().meta({ description: "ids of the files concerned" }),
      }),
    ),
    included: z
      .strictObject({ fileCount: z.int(), totalSeconds: z.number(), excludedFiles: z.int(), excludedSlices: z.int() })
      .meta({ description: "what trains after the exclusions: the files not excluded (fileCount, totalSeconds), and how many files and slices are excluded" }),
    analysed: z.int().meta({ description: "files the dataset doctor has measured (the rest are waiting for the analyze job)" }),
    flagCounts: z.partialRecord(FlagCode, z.int()).meta({ description: "flag code → number of included files with it" }),
    datasetFlags: z.array(Flag).meta({ description: "flags of the whole dataset (usable minutes, mixed sample rates, pitch range), from the included files" }),
  })
  .meta({ id: "DatasetCard" });
export type DatasetCard = z.infer<typeof DatasetCard>;

export const FileList = z.strictObject({ files: z.array(AudioFile), card: DatasetCard }).meta({ id: "FileList" });
export type FileList = z.infer<typeof FileList>;

export const UploadResult = z
  .strictObject({
    files: z.array(AudioFile).meta({ description: "the files the upload became (one for audio, one per usable entry of a .zip)" }),
    skipped: z.array(z.strictObject({ name: z.string(), reason: z.string() })).meta({ description: "entries of a .zip that were not audio or were refused" }),
  })
  .meta({ id: "UploadResult", description: "Answer of the tus request that completes an upload" });
export type UploadResult = z.infer<typeof UploadResult>;

export const ValidationReport = z
  .strictObject({
    ok: z.boolean(),
    counts: z.strictObject({
      gt: z.int().meta({ description: "training chunks that train (after the dataset's exclusions)" }),
      wav16k: z.int(),
      f0: z.int(),
      f0nsf: z.int(),
      feature: z.int(),
      excluded: z.int().meta({ description: "training chunks left out by the dataset doctor's exclusions (an excluded file's or excluded slices)" }),
    }),
    problems: z.array(z.strictObject({ file: z.string(), problem: z.string() })),
  })
  .meta({ id: "ValidationReport" });
export type ValidationReport = z.infer<typeof ValidationReport>;

// ───────────────────────────── jobs ─────────────────────────────

export const Job = z
  .strictObject({
    id: Uuid,
    kind: JobKind,
    experiment: ExperimentName.nullable().meta({ description: "the experiment's name; null for jobs without one (selftest, convert, export)" }),
    experimentId: Uuid.nullable(),
    status: JobStatus,
    progress: z.number().min(0).max(1),
    stage: z.string().nullable().meta({ description: "what the job is doing now, e.g. `extract features`" }),
    etaSeconds: z.int().nullable().meta({ description: "estimated seconds left" }),
    params: z.record(z.string(), z.unknown()).meta({
      description: "the job's parameters (for train: the resolved TrainOptions; a pipeline stage also carries `then`, the stages still to come)",
    }),
    settings: z.unknown().meta({
      description: "the experiment's settings when it was queued ({sampleRate, f0Method, version, cleaning}); null without an experiment or for older jobs",
    }),
    result: z.unknown().meta({ description: "what the job produced (kind-specific JSON), or null" }),
    error: z.string().nullable(),
    workerId: z.string().nullable().meta({ description: "id of the worker that ran / runs it" }),
    attempts: z.int().meta({ description: "delivery attempts so far (a crashed worker's job is retried)" }),
    cancelRequested: z.boolean(),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    queue: z
      .strictObject({
        name: z.string().meta({ description: "the pg-boss queue it waits in: its kind's, or `<kind>-gpu` for a job that demands a GPU (a training with fp16/bf16 or GPU ids, a self-test with `gpu`), which only workers with GPU slots take" }),
        place: z.int().min(1).meta({ description: "its place in that queue as pg-boss hands jobs out (1 = next)" }),
        waitingFor: z.string().nullable().meta({ description: "why no worker takes it now, e.g. `waiting for a GPU worker with PyTorch` or `waiting for a worker with onnxruntime`; null: a live worker takes it in its turn" }),
      })
      .nullable()
      .optional()
      .meta({ description: "GET /api/jobs, GET /api/jobs/{id} and the experiment detail only: where a queued job stands; null when it is not queued" }),
  })
  .meta({ id: "Job", description: "A job (queued work): the user-facing state" });
export type Job = z.infer<typeof Job>;

export const JobRef = z
  .strictObject({ id: Uuid, kind: JobKind, status: JobStatus })
  .meta({ id: "JobRef", description: "A short reference to a job (GET /api/jobs/{id} has all of it)" });
export type JobRef = z.infer<typeof JobRef>;

export const JobAccepted = z.strictObject({ job: Job });
export type JobAccepted = z.infer<typeof JobAccepted>;

export const JobEvent = z
  .strictObject({
    id: z.string().regex(/^\d+$/).meta({ description: "event id (also the SSE `id:`), increasing" }),
    jobId: Uuid,
    kind: z.enum(["status", "progress", "log", "metric"]),
    level: z.string().nullable(),
    message: z.string().nullable(),
    data: z.unknown().meta({ description: "kind-specific: status {status}, progress {stage, done, total, percent, eta…}, metric {epoch, step, losses…}" }),
    at: Timestamp,
  })
  .meta({ id: "JobEvent", description: "The `data:` JSON of one server-sent event" });
export type JobEvent = z.infer<typeof JobEvent>;

const PRETRAINED_FILE = /^[A-Za-z0-9._-]{1,128}\.pth$/;
export const PretrainedFileName = z.string().regex(PRETRAINED_FILE, { error: "must be a .pth file name of the custom pretrained folder" });

const trainInt = (min: number, max: number, description: string) => wholeNumber(min, max).meta({ description });

const PROBE_RULE = "must be a slice name like \"0_3\" or an uploaded file's id";

/** POST …/train and …/pipeline: the training options; missing ones take TRAIN_DEFAULTS (saveEvery at most epochs). */
export const TrainOptionsBody = z
  .strictObject({
    epochs: trainInt(1, 10_000, "total epochs the model should have when the job ends").default(TRAIN_DEFAULTS.epochs),
    batchSize: trainInt(1, 256, "batch size").default(TRAIN_DEFAULTS.batchSize),
    saveEvery: trainInt(1, 10_000, `save a checkpoint every N epochs (default ${TRAIN_DEFAULTS.saveEvery}, at most epochs)`).optional(),
    saveLatestOnly: z.boolean({ error: "must be true or false" }).default(TRAIN_DEFAULTS.saveLatestOnly),
    pretrained: z
      .union([z.enum(["default", "none"]), z.strictObject({ g: PretrainedFileName, d: PretrainedFileName })], {
        error: 'must be "default", "none" or {"g": "<file>.pth", "d": "<file>.pth"} naming files in the custom pretrained folder',
      })
      .default(TRAIN_DEFAULTS.pretrained)
      .meta({ description: "the pretrained weights to start from: the bundled ones, none, or custom files uploaded with POST /api/pretrained" }),
    precision: oneOf(PRECISIONS).default(TRAIN_DEFAULTS.precision),
    gpus: z
      .array(z.int().min(0).max(63), { error: "must be a list of distinct GPU ids, e.g. [0, 1]" })
      .refine((g) => new Set(g).size === g.length, { error: "must be a list of distinct GPU ids, e.g. [0, 1]" })
      .default(TRAIN_DEFAULTS.gpus)
      .meta({ description: "GPU ids; empty: the trainer's choice (first GPU, or CPU)", uniqueItems: true }),
    moreEpochs: trainInt(1, 10_000, "train this many epochs beyond what the checkpoints hold (overrides epochs)").optional(),
    heldOut: z
      .number({ error: "must be a number from 0 to 0.5" })
      .min(0, { error: "must be a number from 0 to 0.5" })
      .max(0.5, { error: "must be a number from 0 to 0.5" })
      .default(TRAIN_DEFAULTS.heldOut)
      .meta({ description: "share of the slices held out for validation at each checkpoint (whole source files where possible; at least 2, at most 20 clips); 0 = none. A continued training keeps its held-out set" }),
    earlyStopPatience: trainInt(0, 1000, "stop when the validation mel L1 has not improved for N checkpoints (0 = off; needs held-out clips); the reason is logged").default(
      TRAIN_DEFAULTS.earlyStopPatience,
    ),
    probe: z
      .string({ error: PROBE_RULE })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: PROBE_RULE })
      .optional()
      .meta({
        description:
          "the clip each checkpoint renders as its listening preview (at most 10 s): a preprocessed slice name (e.g. \"0_3\") or an uploaded file's id (its first slice); default: the first held-out clip. Needed for previews without held-out clips. A continued training keeps it unless given",
      }),
  })
  .meta({ id: "TrainOptions" });
export type TrainOptionsBody = z.input<typeof TrainOptionsBody>;

export const ExtractBody = z.strictObject({ f0Method: F0Method.optional().meta({ description: "default: the experiment's f0Method" }) });
/** a body that takes no fields: `{}` or none */
export const EmptyBody = z.strictObject({}).meta({ description: "empty: any field is refused" });

export const SelftestBody = z.strictObject({
  seconds: z.number({ error: "must be a number from 0 to 3600" }).gt(0, { error: "must be a number from 0 to 3600" }).max(3600, { error: "must be a number from 0 to 3600" }).default(10),
  steps: wholeNumber(1, 100_000).default(100),
  gpu: z.boolean({ error: "must be true or false" }).optional().meta({ description: "hold one of the worker's GPU slots while it runs (a check of the slots; ignored by a worker without)" }),
});

// ───────────────────────────── models ─────────────────────────────

/** what GET /api/models/{id}/download?file= serves */
export const DOWNLOADS = ["pth", "index", "onnx", "zip"] as const;

export const ModelFile = z.strictObject({ kind: z.enum(["pth", "onnx", "index", "card"]), name: z.string(), bytes: z.int() }).meta({ id: "ModelFile" });
export const Model = z
  .strictObject({
    id: Uuid,
    name: ExperimentName,
    experiment: ExperimentName.nullable(),
    sampleRate: SampleRate,
    version: Version,
    f0: z.boolean().meta({ description: "trained with pitch guidance" }),
    epochs: z.int().nullable(),
    datasetSeconds: z.number().nullable(),
    files: z.array(ModelFile),
    sizeBytes: z.int().meta({ description: "total bytes of its files" }),
    source: z.enum(["trained", "imported"]),
    createdAt: Timestamp,
  })
  .meta({ id: "Model", description: "A finished voice model" });
export type Model = z.infer<typeof Model>;

export const ModelImportResult = z
  .strictObject({ model: Model, job: JobRef.meta({ description: "the export job that adds the ONNX file" }) })
  .meta({ id: "ModelImportResult" });
export type ModelImportResult = z.infer<typeof ModelImportResult>;

export const PretrainedFile = z.strictObject({ name: PretrainedFileName, bytes: z.int(), modifiedAt: Timestamp }).meta({ id: "PretrainedFile" });
export type PretrainedFile = z.infer<typeof PretrainedFile>;

/** One pipeline stage's state: out of date when its last successful run used other settings (lib/stage-settings.ts). */
const StageState = z
  .strictObject({
    status: z.string().nullable().meta({ description: "status of the stage's latest job; null: never run" }),
    stale: z.boolean().meta({ description: "its last successful run used other settings than the current ones" }),
    reason: z.string().optional().meta({ description: "e.g. `settings changed since: sample rate 40000 → 32000`" }),
    changes: z
      .array(z.strictObject({ field: z.string(), from: z.unknown().meta({ description: "the value it ran with" }), to: z.unknown().meta({ description: "the current value" }) }))
      .optional(),
  })
  .meta({ id: "StageState" });

/** GET /api/experiments/{name}: the experiment with its files, jobs and models in the shapes of their own endpoints. */
export const ExperimentDetail = z
  .strictObject({
    ...experimentFields,
    files: z.array(AudioFile).meta({ description: "oldest first (as GET …/files)" }),
    jobs: z.array(Job).meta({ description: "newest first, at most 50 (as GET /api/jobs)" }),
    models: z.array(Model).meta({ description: "newest first (as GET /api/models)" }),
    dataset: DatasetCard.meta({ description: "the dataset card (as GET …/files): totals before and after exclusions, flags" }),
    stages: z
      .strictObject({ preprocess: StageState, extract: StageState, train: StageState, index: StageState })
      .meta({ description: "each stage: out of date after a settings change? (lib/stage-settings.ts)" }),
  })
  .meta({ id: "ExperimentDetail", description: "The experiment with its files, jobs and models (the shapes of GET …/files, /api/jobs, /api/models)" });
export type ExperimentDetail = z.infer<typeof ExperimentDetail>;

// ───────────────────────────── conversions ─────────────────────────────

/** The schema of one setting described by a field table entry (conversion settings, cover mix settings). */
function settingSchema(field: NumberField | ChoiceField) {
  const description = `${field.label}: ${field.help}`;
  if (field.kind === "choice") return oneOf(field.choices as [string, ...string[]]).meta({ description });
  const rule = `must be ${field.integer ? "a whole number" : "a number"} from ${field.min} to ${field.max}`;
  const base = field.integer ? z.int({ error: rule }) : z.number({ error: rule });
  return base.min(field.min, { error: rule }).max(field.max, { error: rule }).meta({ description });
}

const conversionParamShape = Object.fromEntries(CONVERSION_PARAM_NAMES.map((n) => [n, settingSchema(CONVERSION_FIELDS[n])])) as unknown as {
  [K in keyof ConversionParamsType]: z.ZodType<ConversionParamsType[K]>;
};

export const ConversionParams = z.strictObject(conversionParamShape).meta({ id: "ConversionParams", description: "The settings a conversion ran with" });
export type ConversionParams = z.infer<typeof ConversionParams>;

/** The settings of a new conversion: each optional, upstream's default when missing. */
export const ConversionSettings = z.strictObject(
  Object.fromEntries(CONVERSION_PARAM_NAMES.map((n) => [n, (conversionParamShape[n] as z.ZodType<unknown>).default(CONVERSION_DEFAULTS[n])])) as {
    [K in keyof ConversionParamsType]: z.ZodDefault<z.ZodType<ConversionParamsType[K]>>;
  },
);

/** A form field holding a number: "" is missing, a numeric string is its number (anything else fails the number rule). */
const formValue = (v: unknown) => (v === "" ? undefined : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v);

/** The same shape for form fields: each value through `formValue` first. */
const asFormFields = <S extends Record<string, z.ZodType>>(shape: S): S =>
  Object.fromEntries(Object.entries(shape).map(([n, schema]) => [n, z.preprocess(formValue, schema)])) as unknown as S;

/** multipart POST /api/conversions: the form fields besides the `audio` file (strings holding the values). */
export const ConversionFormFields = z.strictObject({
  modelId: z.string({ error: "is required: the id of a model from GET /api/models" }).min(1, { error: "is required: the id of a model from GET /api/models" }),
  ...asFormFields(ConversionSettings.shape),
});

const coverMixShape = Object.fromEntries(COVER_PARAM_NAMES.map((n) => [n, settingSchema(COVER_FIELDS[n])])) as unknown as {
  [K in keyof CoverMixType]: z.ZodType<number>;
};

/** A cover's mix settings as stored and shown. */
export const CoverMix = z.strictObject(coverMixShape).meta({ id: "CoverMix", description: "How a song cover was mixed (POST /api/covers)" });
export type CoverMix = z.infer<typeof CoverMix>;

/** The mix settings of a new cover: each optional, 0 when missing. */
export const CoverSettings = z.strictObject(
  Object.fromEntries(COVER_PARAM_NAMES.map((n) => [n, (coverMixShape[n] as z.ZodType<number>).default(COVER_DEFAULTS[n])])) as {
    [K in keyof CoverMixType]: z.ZodDefault<z.ZodType<number>>;
  },
);

/** multipart POST /api/covers: the conversion's form fields and the mix settings (strings holding the values). */
export const CoverFormFields = ConversionFormFields.extend(asFormFields(CoverSettings.shape));

export const ConversionCreateBody = z
  .strictObject({
    modelId: z.string({ error: "is required: the id of a model from GET /api/models" }).min(1, { error: "is required: the id of a model from GET /api/models" }),
    fileId: z.string({ error: "is required: an uploaded file of an experiment (or send multipart/form-data with an audio file)" }).meta({
      description: "id of an uploaded AudioFile (status ready)",
    }),
    ...ConversionSettings.shape,
  })
  .meta({ id: "ConversionCreate", description: "Convert an already uploaded file (an AudioFile of any experiment) with a model; missing settings take their defaults" });
export type ConversionCreateBody = z.input<typeof ConversionCreateBody>;

export const CoverCreateBody = ConversionCreateBody.extend(CoverSettings.shape).meta({
  id: "CoverCreate",
  description: "Make a song cover of an already uploaded file: its vocals separated, converted with the model and mixed back over the accompaniment; missing settings take their defaults",
});
export type CoverCreateBody = z.input<typeof CoverCreateBody>;

export const Conversion = z
  .strictObject({
    id: Uuid,
    modelId: Uuid.nullable().meta({ description: "null once the model was deleted" }),
    model: z.strictObject({ id: Uuid, name: z.string(), sampleRate: SampleRate }).nullable(),
    inputName: z.string(),
    inputSeconds: z.number().nullable(),
    params: ConversionParams,
    status: JobStatus,
    progress: z.number().min(0).max(1),
    stage: z.string().nullable(),
    error: z.string().nullable(),
    jobId: Uuid.nullable(),
    createdAt: Timestamp,
    finishedAt: Timestamp.nullable(),
    inputUrl: z.string().meta({ description: "where to fetch the input (GET /api/conversions/{id}/input)" }),
    audioUrl: z.string().nullable().meta({ description: "where to fetch the result (GET /api/conversions/{id}/audio); set when succeeded" }),
    sampleRate: z.int().nullable(),
    outputSeconds: z.number().nullable(),
    batchId: Uuid.nullable().meta({ description: "the batch it is a clip of (POST /api/conversions/batch), else null" }),
    mode: oneOf(["voice", "cover"]).meta({ description: "voice: the recording converted as it is; cover: a song, vocals separated, converted and mixed back (POST /api/covers)" }),
    cover: CoverMix.nullable().meta({ description: "a cover's mix settings; null for a voice conversion" }),
    stems: z
      .strictObject({
        vocals: z.string().meta({ description: "the converted vocals as mixed (GET /api/conversions/{id}/stems/vocals)" }),
        accompaniment: z.string().meta({ description: "the accompaniment as mixed (GET /api/conversions/{id}/stems/accompaniment)" }),
      })
      .nullable()
      .meta({ description: "a cover's stems, once it succeeded; else null" }),
  })
  .meta({ id: "Conversion" });
export type Conversion = z.infer<typeof Conversion>;

export const ConversionAccepted = z.strictObject({ conversion: Conversion, job: JobRef });
export type ConversionAccepted = z.infer<typeof ConversionAccepted>;

// ───────────────────────────── accounts ─────────────────────────────

export const User = z
  .strictObject({ id: Uuid, name: z.string(), role: Role, disabled: z.boolean(), createdAt: Timestamp, passwordChangedAt: Timestamp })
  .meta({ id: "User" });
export type User = z.infer<typeof User>;

export const Me = z
  .strictObject({
    user: z.strictObject({ id: Uuid, name: z.string(), role: Role, actsAs: Role.meta({ description: "the role this request acts with (a read-only token: viewer)" }) }).nullable(),
    via: z.enum(["session", "token"]).nullable(),
    setupRequired: z.boolean().meta({ description: "no account exists yet: POST /api/auth/setup creates the admin" }),
  })
  .meta({ id: "Me" });
export type Me = z.infer<typeof Me>;

export const ApiToken = z
  .strictObject({
    id: Uuid,
    userId: Uuid,
    userName: z.string().optional().meta({ description: "the owner (in lists)" }),
    name: z.string(),
    prefix: z.string().meta({ description: "the first characters of the secret, to recognise it" }),
    scope: TokenScope,
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: "ApiToken" });
export type ApiToken = z.infer<typeof ApiToken>;

export const Activity = z
  .strictObject({
    id: z.string().meta({ description: "increasing; pass as ?before= for the next page" }),
    at: Timestamp,
    userId: Uuid.nullable(),
    userName: z.string().nullable(),
    action: z.string().meta({ description: "e.g. `login`, `user.create`, `token.revoke`, or `POST /api/experiments` for other writes" }),
    targetType: z.string(),
    targetId: z.string().nullable(),
    targetName: z.string().nullable(),
    details: z.unknown().meta({ description: "what else the action recorded, or null" }),
  })
  .meta({ id: "Activity" });
export type Activity = z.infer<typeof Activity>;
