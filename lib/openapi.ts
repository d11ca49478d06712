/**
 * The OpenAPI 3.1 description of the whole HTTP API (served at GET /api/openapi.json).
 *
 * Built from the same constants the validators use (experiment rules, train options, conversion fields,
 * download kinds, job kinds/statuses), so a changed rule changes the document too. Response shapes follow
 * what the route handlers really return (lib/experiments, lib/jobs, lib/models, …), including where that
 * differs from the contract's summary table. tests/integration/openapi.test.ts validates the document,
 * compares its paths with app/api/**\/route.ts and checks real responses against it.
 */
import { AUDIO_EXTENSIONS, ACCEPTED_EXTENSIONS_TEXT } from "./audio/formats";
import { CONVERSION_DEFAULTS, CONVERSION_FIELDS, CONVERSION_PARAM_NAMES } from "./conversion-params";
import {
  DEFAULT_SETTINGS,
  EXPERIMENT_NAME_PATTERN,
  EXPERIMENT_NAME_RULE,
  F0_METHODS,
  SAMPLE_RATES,
  VERSIONS,
} from "./experiment-rules";
import { ACTIVE_JOB_STATUSES } from "./experiments";
import { JobKind, JobStatus } from "./generated/prisma/enums.ts";
import { DOWNLOADS } from "./models";
import { QUEUES } from "./queue";
import { PRECISIONS, TRAIN_DEFAULTS } from "./train-options";
import { TUS_PATH } from "./uploads/tus";
import { ROLES, TOKEN_SCOPES, type Access } from "./auth/roles";
import { USER_NAME_PATTERN } from "./auth/users";
import { PASSWORD_MAX, PASSWORD_MIN } from "./auth/password";
import { paths as webhookPaths } from "./webhooks/openapi";

export type JsonSchema = Record<string, unknown>;
type Obj = Record<string, unknown>;

const JSON_TYPE = "application/json";

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (s: JsonSchema): JsonSchema =>
  typeof s.type === "string" ? { ...s, type: [s.type, "null"] } : { anyOf: [s, { type: "null" }] };
const str = (description?: string): JsonSchema => ({ type: "string", ...(description ? { description } : {}) });
const int = (description?: string): JsonSchema => ({ type: "integer", ...(description ? { description } : {}) });
const num = (description?: string): JsonSchema => ({ type: "number", ...(description ? { description } : {}) });
const bool = (description?: string): JsonSchema => ({ type: "boolean", ...(description ? { description } : {}) });
const uuid = (description?: string): JsonSchema => ({ type: "string", format: "uuid", ...(description ? { description } : {}) });
const time = (description?: string): JsonSchema => ({ type: "string", format: "date-time", ...(description ? { description } : {}) });
const arr = (items: JsonSchema, description?: string): JsonSchema => ({ type: "array", items, ...(description ? { description } : {}) });
/** any JSON value */
const anyJson = (description: string): JsonSchema => ({ description });
const binary = (mediaType: string, description?: string): JsonSchema => ({
  type: "string",
  contentMediaType: mediaType,
  ...(description ? { description } : {}),
});

/** A closed object: every listed property is required unless named in `optional`. */
function obj(properties: Record<string, JsonSchema>, optional: readonly string[] = [], description?: string): JsonSchema {
  return {
    type: "object",
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
  };
}

// ───────────────────────────── responses ─────────────────────────────

/** An error response in the API's one error shape; `codes` (when known) are the only `error.code`s it carries. */
function error(description: string, codes?: readonly string[]): Obj {
  const schema = codes
    ? {
        allOf: [
          ref("Error"),
          {
            type: "object",
            properties: { error: { type: "object", properties: { code: { type: "string", enum: [...codes] } } } },
          },
        ],
      }
    : ref("Error");
  return {
    description: codes ? `${description}. Codes: ${codes.map((c) => `\`${c}\``).join(", ")}` : description,
    content: { [JSON_TYPE]: { schema } },
  };
}

const ok = (description: string, schema: JsonSchema, headers?: Obj): Obj => ({
  description,
  ...(headers ? { headers } : {}),
  content: { [JSON_TYPE]: { schema } },
});
const noContent = (description: string): Obj => ({ description });
const internal = { $ref: "#/components/responses/Internal" };
const dbDown = { $ref: "#/components/responses/DatabaseUnavailable" };
const queueDown = error("The database or the job queue is not reachable", ["database_unavailable", "queue_unavailable"]);

const BODY_CODES = ["invalid_json", "invalid_body"] as const;
/** lib/multipart.ts: refusals of a multipart body while it streams in (a 413 uses the route's own code) */
const FORM_CODES = ["unknown_field", "duplicate_field", "invalid_field", "too_many_parts", "invalid_content_length"] as const;
const EXPERIMENT_FIELD_CODES = ["invalid_name", "invalid_sampleRate", "invalid_f0Method", "invalid_version", "unknown_field"] as const;
const TRAIN_INT_FIELDS = ["epochs", "batchSize", "saveEvery", "moreEpochs"] as const;
const TRAIN_CODES = [
  ...BODY_CODES,
  "unknown_field",
  ...TRAIN_INT_FIELDS.map((f) => `invalid_${f}`),
  "invalid_saveLatestOnly",
  "invalid_precision",
  "invalid_pretrained",
  "invalid_gpus",
] as const;

/** The experiment path parameter is checked first: 400 invalid_name; then 404 experiment_not_found. */
const badName = (extra: readonly string[] = []) =>
  error("Bad input; a path name that breaks the experiment name rule is refused the same way", ["invalid_name", ...extra]);
const noExperiment = error("No experiment with that name", ["experiment_not_found"]);

/** Responses of the routes that queue a job for an experiment (one active job per experiment and kind). */
const enqueueResponses = (success: Obj, badRequestCodes: readonly string[], conflictCodes: readonly string[] = []): Obj => ({
  "202": success,
  "400": badName(badRequestCodes),
  "404": noExperiment,
  "409": error(
    `A job of this kind is already ${ACTIVE_JOB_STATUSES.join(" or ")} for the experiment; \`details.job\` is that job` +
      (conflictCodes.includes("no_audio") ? "; `no_audio`: the experiment has no audio file yet (upload first)" : ""),
    ["job_active", ...conflictCodes],
  ),
  "500": internal,
  "503": queueDown,
});
const jobAccepted = ok("Queued", obj({ job: ref("Job") }));

// ───────────────────────────── schemas ─────────────────────────────

/** the row's creator (rows made before accounts, by the worker, or whose user was deleted: null) */
const creator = { createdById: nullable(uuid("the user who created it (null: before accounts, or the user was deleted)")) };

const experimentProps = {
  id: uuid(),
  name: ref("ExperimentName"),
  sampleRate: ref("SampleRate"),
  f0Method: ref("F0Method"),
  version: ref("Version"),
  status: {
    type: "string",
    enum: ["new", "uploaded", "preprocessed", "extracted", "trained"],
    description: "how far the experiment has got; set by uploads and by the preprocess, extract and train jobs",
  },
  createdAt: time(),
  updatedAt: time(),
};

const jobProps = {
  id: uuid(),
  kind: ref("JobKind"),
  experimentId: nullable(uuid()),
  status: ref("JobStatus"),
  progress: { type: "number", minimum: 0, maximum: 1 },
  stage: nullable(str("what the job is doing now, e.g. `extract features`")),
  etaSeconds: nullable(int("estimated seconds left")),
  params: { type: "object", description: "the job's parameters (for train: the resolved TrainOptions; a pipeline stage also carries `then`, the stages still to come)" },
  result: anyJson("what the job produced (kind-specific JSON), or null"),
  error: nullable(str()),
  workerId: nullable(str("id of the worker that ran / runs it")),
  attempts: int("delivery attempts so far (a crashed worker's job is retried)"),
};

const audioStats = obj(
  {
    peak: num("largest |sample| over all channels (may exceed 1 for float files)"),
    peakDb: num("dBFS, floored at -200"),
    rmsDb: num("dBFS"),
    clippedFraction: num("share of samples at full scale"),
    silentFraction: num("share of 50 ms windows below the silence level"),
  },
  [],
  "level statistics from the upload probe",
);

const audioFileCommon = {
  id: uuid(),
  storedName: str("the generated name under UPLOADS_DIR/{experiment}/"),
  bytes: int(),
  durationSec: nullable(num()),
  sampleRate: nullable(int()),
  channels: nullable(int()),
  codec: nullable(str()),
  sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
  status: { type: "string", enum: ["ready", "rejected"] },
  error: nullable(str()),
  stats: nullable(ref("AudioStats")),
  createdAt: time(),
};

const modelCommon = {
  id: uuid(),
  name: ref("ExperimentName"),
  sampleRate: ref("SampleRate"),
  version: ref("Version"),
  f0: bool("trained with pitch guidance"),
  epochs: nullable(int()),
  datasetSeconds: nullable(num()),
  files: arr(ref("ModelFile")),
  sizeBytes: int("total bytes of its files"),
  source: { type: "string", enum: ["trained", "imported"] },
  createdAt: time(),
};

function conversionParamSchema(name: (typeof CONVERSION_PARAM_NAMES)[number], withDefault: boolean): JsonSchema {
  const field = CONVERSION_FIELDS[name];
  const base: JsonSchema =
    field.kind === "choice"
      ? { type: "string", enum: [...field.choices] }
      : { type: field.integer ? "integer" : "number", minimum: field.min, maximum: field.max };
  return { ...base, description: `${field.label}: ${field.help}`, ...(withDefault ? { default: CONVERSION_DEFAULTS[name] } : {}) };
}
const conversionParamProps = (withDefault: boolean) =>
  Object.fromEntries(CONVERSION_PARAM_NAMES.map((n) => [n, conversionParamSchema(n, withDefault)]));

const trainInt = (min: number, max: number, description: string, dflt?: number): JsonSchema => ({
  type: "integer",
  minimum: min,
  maximum: max,
  ...(dflt !== undefined ? { default: dflt } : {}),
  description,
});
/** parseTrainOptions's SAFE_FILE: a file in the custom pretrained folder (POST /api/pretrained answers these names) */
const PRETRAINED_FILE = { type: "string", pattern: "^[A-Za-z0-9._-]{1,128}\\.pth$" };

const assetFile = obj({ path: str(), present: bool(), bytes: int() }, ["bytes"]);

const userName = { type: "string", pattern: USER_NAME_PATTERN, description: "1-64 of letters, digits, '.', '_', '-'" };
const newPassword = { type: "string", minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX };

const schemas: Record<string, JsonSchema> = {
  Role: { type: "string", enum: [...ROLES], description: "viewer < member < admin" },
  User: obj({ id: uuid(), name: str(), role: ref("Role"), disabled: bool(), createdAt: time(), passwordChangedAt: time() }),
  Me: obj({
    user: nullable(obj({ id: uuid(), name: str(), role: ref("Role"), actsAs: { ...ref("Role"), description: "the role this request acts with (a read-only token: viewer)" } })),
    via: nullable({ type: "string", enum: ["session", "token"] }),
    setupRequired: bool("no account exists yet: POST /api/auth/setup creates the admin"),
  }),
  ApiToken: obj(
    {
      id: uuid(),
      userId: uuid(),
      userName: str("the owner (in lists)"),
      name: str(),
      prefix: str("the first characters of the secret, to recognise it"),
      scope: { type: "string", enum: [...TOKEN_SCOPES] },
      createdAt: time(),
      lastUsedAt: nullable(time()),
      revokedAt: nullable(time()),
    },
    ["userName"],
  ),
  Activity: obj({
    id: str("increasing; pass as ?before= for the next page"),
    at: time(),
    userId: nullable(uuid()),
    userName: nullable(str()),
    action: str("e.g. `login`, `user.create`, `token.revoke`, or `POST /api/experiments` for other writes"),
    targetType: str(),
    targetId: nullable(str()),
    targetName: nullable(str()),
    details: anyJson("what else the action recorded, or null"),
  }),
  Error: {
    type: "object",
    description: "Every error: a machine code, a message that says what went wrong and how to fix it, and optional details",
    properties: {
      error: obj(
        {
          code: str("machine-readable, e.g. `experiment_not_found`"),
          message: str(),
          details: { type: "object" },
          requestId: str("500 only: the id under which the server log holds the details (also the `x-request-id` header)"),
        },
        ["details", "requestId"],
      ),
    },
    required: ["error"],
    additionalProperties: false,
  },
  ExperimentName: { type: "string", pattern: EXPERIMENT_NAME_PATTERN.source, description: EXPERIMENT_NAME_RULE },
  SampleRate: { type: "integer", enum: [...SAMPLE_RATES] },
  F0Method: { type: "string", enum: [...F0_METHODS], description: "rmvpe needs the RMVPE model under ASSETS_ROOT; yin needs no weights" },
  Version: { type: "string", enum: [...VERSIONS] },
  JobKind: { type: "string", enum: Object.values(JobKind) },
  JobStatus: { type: "string", enum: Object.values(JobStatus) },

  Experiment: obj({ ...experimentProps, ...creator }, [], "An experiment (its database row)"),
  ExperimentListItem: obj(
    { ...experimentProps, ...creator, fileCount: int("uploaded files, ready or rejected"), totalSeconds: num("summed duration of its ready files") },
    [],
  ),
  ExperimentDetail: obj(
    {
      ...experimentProps,
      ...creator,
      files: arr(ref("AudioFileRow"), "oldest first"),
      jobs: arr(ref("JobRow"), "newest first, at most 50"),
      models: arr(ref("VoiceModelRow"), "newest first"),
    },
    [],
    "The experiment with its files, jobs and models as database rows (not the API shapes of /files, /api/jobs, /api/models)",
  ),
  CreateExperiment: {
    type: "object",
    properties: {
      name: ref("ExperimentName"),
      sampleRate: { ...ref("SampleRate"), default: DEFAULT_SETTINGS.sampleRate },
      f0Method: { ...ref("F0Method"), default: DEFAULT_SETTINGS.f0Method },
      version: { ...ref("Version"), default: DEFAULT_SETTINGS.version },
    },
    required: ["name"],
    additionalProperties: false,
  },
  ExperimentPatch: {
    type: "object",
    description: "one or more settings; `name` renames the experiment and moves its folders",
    properties: { name: ref("ExperimentName"), sampleRate: ref("SampleRate"), f0Method: ref("F0Method"), version: ref("Version") },
    minProperties: 1,
    additionalProperties: false,
  },

  AudioStats: audioStats,
  AudioFile: obj({ ...audioFileCommon, name: str("the uploaded file's (cleaned) original name") }, [], "An uploaded file"),
  AudioFileRow: obj(
    { ...audioFileCommon, ...creator, experimentId: uuid(), originalName: str() },
    [],
    "An uploaded file as its database row (in the experiment detail)",
  ),
  DatasetCard: obj({
    fileCount: int(),
    totalSeconds: num(),
    shortest: nullable(obj({ name: str(), seconds: num() })),
    longest: nullable(obj({ name: str(), seconds: num() })),
    sampleRates: { type: "object", additionalProperties: { type: "integer" }, description: "sample rate → number of files" },
    warnings: arr(
      obj(
        {
          code: {
            type: "string",
            enum: ["no_audio", "under_1_minute", "under_10_minutes", "clipping", "low_level", "mostly_silence", "mixed_sample_rates"],
          },
          level: { type: "string", enum: ["error", "warning"] },
          message: str(),
          files: arr(uuid(), "ids of the files concerned"),
        },
        ["files"],
      ),
    ),
  }),
  FileList: obj({ files: arr(ref("AudioFile")), card: ref("DatasetCard") }),
  UploadResult: obj(
    {
      files: arr(ref("AudioFile"), "the files the upload became (one for audio, one per usable entry of a .zip)"),
      skipped: arr(obj({ name: str(), reason: str() }), "entries of a .zip that were not audio or were refused"),
    },
    [],
    "Answer of the tus request that completes an upload",
  ),
  ValidationReport: obj({
    ok: bool(),
    counts: obj({ gt: int(), wav16k: int(), f0: int(), f0nsf: int(), feature: int() }),
    problems: arr(obj({ file: str(), problem: str() })),
  }),

  Job: obj(
    {
      ...jobProps,
      experiment: { ...ref("ExperimentName"), description: "the experiment's name; absent for jobs without one and in the 202 answers that queue a job" },
      cancelRequested: bool(),
      createdAt: time(),
      startedAt: nullable(time()),
      finishedAt: nullable(time()),
    },
    ["experiment"],
    "A job (queued work): the user-facing state",
  ),
  JobRow: obj(
    {
      ...jobProps,
      ...creator,
      bossId: nullable(str("id of the pg-boss job that carries it")),
      cancelRequestedAt: nullable(time()),
      createdAt: time(),
      startedAt: nullable(time()),
      finishedAt: nullable(time()),
      updatedAt: time(),
    },
    [],
    "A job as its database row (in the experiment detail)",
  ),
  JobEvent: obj(
    {
      id: { type: "string", pattern: "^\\d+$", description: "event id (also the SSE `id:`), increasing" },
      jobId: uuid(),
      kind: { type: "string", enum: ["status", "progress", "log", "metric"] },
      level: nullable(str()),
      message: nullable(str()),
      data: anyJson("kind-specific: status {status}, progress {stage, done, total, percent, eta…}, metric {epoch, step, losses…}"),
      at: time(),
    },
    [],
    "The `data:` JSON of one server-sent event",
  ),
  TrainOptions: {
    type: "object",
    additionalProperties: false,
    properties: {
      epochs: trainInt(1, 10_000, "total epochs the model should have when the job ends", TRAIN_DEFAULTS.epochs),
      batchSize: trainInt(1, 256, "batch size", TRAIN_DEFAULTS.batchSize),
      saveEvery: trainInt(1, 10_000, `save a checkpoint every N epochs (default ${TRAIN_DEFAULTS.saveEvery}, at most epochs)`),
      saveLatestOnly: { type: "boolean", default: TRAIN_DEFAULTS.saveLatestOnly },
      pretrained: {
        description: "the pretrained weights to start from: the bundled ones, none, or custom files uploaded with POST /api/pretrained",
        default: TRAIN_DEFAULTS.pretrained,
        oneOf: [{ type: "string", enum: ["default", "none"] }, obj({ g: PRETRAINED_FILE, d: PRETRAINED_FILE })],
      },
      precision: { type: "string", enum: [...PRECISIONS], default: TRAIN_DEFAULTS.precision },
      gpus: {
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 63 },
        uniqueItems: true,
        default: TRAIN_DEFAULTS.gpus,
        description: "GPU ids; empty: the trainer's choice (first GPU, or CPU)",
      },
      moreEpochs: trainInt(1, 10_000, "train this many epochs beyond what the checkpoints hold (overrides epochs)"),
    },
  },

  ModelFile: obj({ kind: { type: "string", enum: ["pth", "onnx", "index", "card"] }, name: str(), bytes: int() }),
  Model: obj({ ...modelCommon, experiment: nullable(ref("ExperimentName")) }, [], "A finished voice model"),
  VoiceModelRow: obj({ ...modelCommon, ...creator, experimentId: nullable(uuid()) }, [], "A model as its database row (in the experiment detail)"),
  JobRef: obj({ id: uuid(), kind: ref("JobKind"), status: ref("JobStatus") }, [], "A short reference to a job (GET /api/jobs/{id} has all of it)"),
  ModelImportResult: obj({
    model: ref("Model"),
    job: { ...ref("JobRef"), description: "the export job that adds the ONNX file" },
  }),

  PretrainedFile: obj({ name: PRETRAINED_FILE, bytes: int(), modifiedAt: time() }),

  Worker: obj({
    id: str(),
    host: str(),
    pid: int(),
    lastSeenAt: time(),
    startedAt: time(),
    busy: bool(),
    currentJobId: nullable(str()),
    capabilities: {
      type: "object",
      description: "what the worker probed at start: node, platform, cpus, memoryBytes, onnxruntime {version, executionProviders, available}, cuda {visible, gpus}, python {executable, version, torch, torchCuda}",
    },
  }),
  HealthStatus: obj({ status: { type: "string", enum: ["ok", "degraded", "down"] } }, [], "what anyone may see: up, short of disk space, or down"),
  Health: obj(
    {
      ok: bool("database and queue are both up"),
      db: obj({ ok: bool(), error: str() }, ["error"]),
      queue: obj(
        {
          ok: bool(),
          schemaVersion: nullable(int("pg-boss schema version")),
          queues: {
            type: "object",
            description: "per queue: job counts by pg-boss state",
            propertyNames: { enum: [...QUEUES] },
            additionalProperties: { type: "object", additionalProperties: { type: "integer" } },
          },
          error: str(),
        },
        ["schemaVersion", "queues", "error"],
      ),
      workers: arr(ref("Worker"), "live workers (heartbeat within WORKER_STALE_SECONDS)"),
      assets: obj({
        hubert: bool(),
        rmvpe: bool(),
        pretrained: arr(str(), "names of the bundled pretrained files that are present"),
        detail: obj({
          root: str(),
          hubert: assetFile,
          rmvpe: assetFile,
          pretrained: obj({ dir: str(), files: arr(obj({ name: str(), path: str(), present: bool(), bytes: int() }, ["bytes"])) }),
        }),
      }),
      status: { type: "string", enum: ["ok", "degraded", "down"], description: "down: database or queue down (503 when the database is); degraded: a data disk has less than MIN_FREE_BYTES free (still 200)" },
      problems: arr(str(), "what makes the status degraded or down, one line each"),
      disk: obj({ path: str(), free: nullable(int()), total: nullable(int()), low: bool(), error: str() }, ["error"], "space under DATA_ROOT"),
      disks: arr(
        obj({ dirs: arr(str(), "the variables whose folders are on this filesystem"), path: str(), free: nullable(int()), total: nullable(int()), low: bool(), error: str() }, ["error"]),
        "each filesystem the app writes to once",
      ),
      minFreeBytes: int("MIN_FREE_BYTES"),
      time: time(),
    },
    [],
  ),

  ConversionParams: obj(conversionParamProps(false), [], "The settings a conversion ran with"),
  ConversionCreate: {
    type: "object",
    description: "Convert an already uploaded file (an AudioFile of any experiment) with a model; missing settings take their defaults",
    properties: { modelId: uuid(), fileId: uuid("id of an uploaded AudioFile (status ready)"), ...conversionParamProps(true) },
    required: ["modelId", "fileId"],
    additionalProperties: false,
  },
  ConversionCreateForm: {
    type: "object",
    description: "Convert a recording sent with the request; settings are form fields (strings holding the values)",
    properties: {
      audio: binary("application/octet-stream", `the recording (${AUDIO_EXTENSIONS.map((e) => "." + e).join(", ")})`),
      modelId: uuid(),
      ...conversionParamProps(true),
    },
    required: ["audio", "modelId"],
    additionalProperties: false,
  },
  Conversion: obj({
    id: uuid(),
    modelId: nullable(uuid("null once the model was deleted")),
    model: nullable(obj({ id: uuid(), name: str(), sampleRate: ref("SampleRate") })),
    inputName: str(),
    inputSeconds: nullable(num()),
    params: ref("ConversionParams"),
    status: ref("JobStatus"),
    progress: { type: "number", minimum: 0, maximum: 1 },
    stage: nullable(str()),
    error: nullable(str()),
    jobId: nullable(uuid()),
    createdAt: time(),
    finishedAt: nullable(time()),
    inputUrl: str("where to fetch the input (GET /api/conversions/{id}/input)"),
    audioUrl: nullable(str("where to fetch the result (GET /api/conversions/{id}/audio); set when succeeded")),
    sampleRate: nullable(int()),
    outputSeconds: nullable(num()),
  }),
};

// ───────────────────────────── parameters & headers ─────────────────────────────

const parameters: Record<string, Obj> = {
  ExperimentName: { name: "name", in: "path", required: true, description: "experiment name", schema: ref("ExperimentName") },
  JobId: { name: "id", in: "path", required: true, description: "job id (anything else is a 404)", schema: uuid() },
  ModelId: { name: "id", in: "path", required: true, description: "model id", schema: uuid() },
  FileId: { name: "id", in: "path", required: true, description: "file id", schema: uuid() },
  ConversionId: { name: "id", in: "path", required: true, description: "conversion id", schema: uuid() },
  UploadId: { name: "id", in: "path", required: true, description: "tus upload id (from the Location of the create answer)", schema: { type: "string", minLength: 1 } },
  LastEventIdHeader: {
    name: "Last-Event-ID",
    in: "header",
    required: false,
    description: "resume after this event id (browsers send it on reconnect): the missed events are replayed first",
    schema: { type: "string", pattern: "^\\d{1,19}$" },
  },
  LastEventIdQuery: {
    name: "lastEventId",
    in: "query",
    required: false,
    description: "the same as the Last-Event-ID header, for clients that cannot set headers (the header wins)",
    schema: { type: "string", pattern: "^\\d{1,19}$" },
  },
  TusResumable: { name: "Tus-Resumable", in: "header", required: true, description: "protocol version", schema: { type: "string", const: "1.0.0" } },
};

const h = (description: string, schema: JsonSchema = { type: "string" }, required = false): Obj => ({ description, required, schema });
const tusResumableHeader = h("protocol version, `1.0.0`", { type: "string", const: "1.0.0" }, true);

const SSE_DESCRIPTION =
  "Server-sent events. First `retry: 2000` and a `: connected` comment, then one event per job event: `id:` the event id, " +
  "`event:` status | progress | log | metric, `data:` one line of JSON (components.schemas.JobEvent). A `: ping` comment every 15 s " +
  "keeps proxies from closing the stream. Reconnecting with Last-Event-ID (or ?lastEventId=) first replays what was missed.";
const sse = (): Obj => ({
  description: "The event stream",
  headers: { "Cache-Control": h("`no-cache, no-transform`") },
  content: { "text/event-stream": { schema: { type: "string", description: SSE_DESCRIPTION } } },
});
const sseParams = [{ $ref: "#/components/parameters/LastEventIdHeader" }, { $ref: "#/components/parameters/LastEventIdQuery" }];

const jsonBody = (schema: JsonSchema, required = true, description?: string): Obj => ({
  required,
  ...(description ? { description } : {}),
  content: { [JSON_TYPE]: { schema } },
});

const p = (name: string) => ({ $ref: `#/components/parameters/${name}` });

const noConversion = error("No such conversion", ["conversion_not_found"]);
const downloadParam = {
  name: "download",
  in: "query",
  required: false,
  description: "`1`: as an attachment (Content-Disposition with the file name)",
  schema: { type: "string", enum: ["1"] },
};
const rangeHeader = {
  name: "Range",
  in: "header",
  required: false,
  description: "`bytes=start-end`, `bytes=start-` or `bytes=-suffix`; only one range",
  schema: { type: "string" },
};
/** Stored audio in its own format (the type follows the file's extension). */
const anyAudio = { "audio/*": { schema: binary("audio/*") }, "application/octet-stream": { schema: binary("application/octet-stream") } };
/** A 206 answer to a `Range` request, with the same content as the whole file's 200. */
const partialContent = (content: Record<string, unknown>) => ({
  description: "The requested range",
  headers: { "Content-Range": h("`bytes start-end/size`", { type: "string" }, true), "Accept-Ranges": h("`bytes`") },
  content,
});
const rangeNotSatisfiable = { description: "The range lies outside the file", headers: { "Content-Range": h("`bytes */size`", { type: "string" }, true) } };
const fileHeaders = {
  "Content-Length": h("bytes"),
  "Cache-Control": h("`no-store`"),
  "Content-Disposition": h("with ?download=1: `attachment; filename=\"…\"; filename*=UTF-8''…`"),
};

// ───────────────────────────── tus ─────────────────────────────

const UPLOAD_METADATA =
  "comma-separated `key base64(value)` pairs: `experiment` (an existing experiment's name) and `filename` are required; " +
  `\`filetype\` is accepted. Accepted files: ${ACCEPTED_EXTENSIONS_TEXT}.`;
/**
 * Every refusal of the tus endpoint is the API's JSON error shape with `Content-Type: application/json`: ours, and
 * @tus/server's own protocol refusals, which it writes as plain text and lib/uploads/tus-response.ts wraps
 * (codes `invalid_request` 400, `missing_header` 403, `upload_not_found` 404, `offset_conflict` 409,
 * `upload_gone` 410, `tus_version_required` 412, `upload_too_large` 413). No response carries CORS headers.
 */
const tusError = (description: string, codes: readonly string[]): Obj => ({
  ...error(description, codes),
  headers: { "Tus-Resumable": tusResumableHeader },
});
const COMPLETE_CODES_422 = ["invalid_audio", "empty_file", "zip_unsafe_path", "zip_suspicious_ratio", "zip_invalid", "zip_no_audio"] as const;
const COMPLETE_CODES_413 = ["quota_exceeded", "zip_too_many_entries", "zip_too_large"] as const;

const uploadCompleted = (description: string, extraHeaders: Obj = {}): Obj => ({
  description,
  headers: { "Tus-Resumable": tusResumableHeader, "Upload-Offset": h("bytes received"), ...extraHeaders },
  content: { [JSON_TYPE]: { schema: ref("UploadResult") } },
});

const tusPaths: Record<string, Obj> = {
  [TUS_PATH]: {
    post: {
      operationId: "createUpload",
      tags: ["uploads"],
      summary: "tus: create an upload (optionally with its whole body: creation-with-upload)",
      description:
        "tus 1.0.0 creation. The experiment, name, type, size and quota are checked before any byte is stored. When the body " +
        "carries the whole file, the answer (201) also holds the files the upload became.",
      parameters: [
        p("TusResumable"),
        { name: "Upload-Length", in: "header", required: true, description: "total size in bytes (deferred length is refused: 400 `length_required`)", schema: { type: "string", pattern: "^\\d+$" } },
        { name: "Upload-Metadata", in: "header", required: true, description: UPLOAD_METADATA, schema: { type: "string" } },
      ],
      requestBody: {
        required: false,
        description: "creation-with-upload: the first bytes (or all of them)",
        content: { "application/offset+octet-stream": { schema: binary("application/octet-stream") } },
      },
      responses: {
        "201": {
          description: "Created. With the whole body sent, the content is the UploadResult; otherwise empty",
          headers: {
            Location: h("the upload's URL (relative: /api/uploads/{id})", { type: "string" }, true),
            "Tus-Resumable": tusResumableHeader,
            "Upload-Offset": h("bytes received so far (creation-with-upload)"),
            "Upload-Expires": h("when an unfinished upload is deleted (UPLOAD_EXPIRY_HOURS)"),
          },
          content: { [JSON_TYPE]: { schema: ref("UploadResult") } },
        },
        "400": tusError("Bad metadata or headers", ["missing_metadata", "invalid_filename", "invalid_name", "length_required", "invalid_request"]),
        "404": tusError("No experiment with that name", ["experiment_not_found"]),
        "409": tusError("The completed upload has the same content as a file already in the experiment", ["duplicate_file"]),
        "412": tusError("Tus-Resumable missing", ["tus_version_required"]),
        "413": tusError("Too large, or with the uploads in progress over the quota (their declared lengths count)", ["upload_too_large", ...COMPLETE_CODES_413]),
        "415": tusError("Not an accepted file type", ["unsupported_type"]),
        "422": tusError("Empty, not audio, or a refused .zip (details.problem for invalid_audio)", COMPLETE_CODES_422),
        "429": tusError("Too many unfinished uploads in the experiment (MAX_UNFINISHED_UPLOADS) or on the server (MAX_UNFINISHED_UPLOADS_TOTAL)", ["too_many_unfinished_uploads"]),
        "500": internal,
        "503": tusError("The database is not reachable", ["database_unavailable"]),
        "507": tusError("The uploads disk is full, or the declared Upload-Length does not fit in its free space", ["disk_full"]),
      },
    },
    options: {
      operationId: "uploadOptions",
      tags: ["uploads"],
      summary: "tus: discover the server's protocol version and extensions (no CORS: the app is same-origin)",
      responses: {
        "204": {
          description: "The server's tus capabilities",
          headers: {
            "Tus-Version": h("`1.0.0`", { type: "string" }, true),
            "Tus-Extension": h("`creation,creation-with-upload,creation-defer-length,termination,expiration` (deferred length is nevertheless refused on create)", { type: "string" }, true),
            "Tus-Resumable": tusResumableHeader,
          },
        },
      },
    },
  },
  [`${TUS_PATH}/{id}`]: {
    parameters: [p("UploadId")],
    head: {
      operationId: "getUploadOffset",
      tags: ["uploads"],
      summary: "tus: how many bytes of the upload the server has (to resume)",
      parameters: [p("TusResumable")],
      responses: {
        "200": {
          description: "The upload's state",
          headers: {
            "Tus-Resumable": tusResumableHeader,
            "Upload-Offset": h("bytes received", { type: "string" }, true),
            "Upload-Length": h("total size"),
            "Upload-Metadata": h("the metadata given on create (plus `experimentId`)"),
            "Cache-Control": h("`no-store`"),
          },
        },
        "404": { description: "Unknown upload (or one already completed and turned into files)" },
        "410": { description: "The upload expired" },
        "412": { description: "Tus-Resumable missing" },
      },
    },
    patch: {
      operationId: "appendUpload",
      tags: ["uploads"],
      summary: "tus: send the next bytes",
      description: "The request that completes the upload turns it into files of the experiment (or refuses it, leaving nothing behind).",
      parameters: [
        p("TusResumable"),
        { name: "Upload-Offset", in: "header", required: true, description: "where these bytes start (the HEAD answer's Upload-Offset)", schema: { type: "string", pattern: "^\\d+$" } },
      ],
      requestBody: { required: true, content: { "application/offset+octet-stream": { schema: binary("application/octet-stream") } } },
      responses: {
        "200": uploadCompleted("The upload is complete: the files it became (tus itself would answer 204 here)"),
        "204": {
          description: "Bytes stored; the upload is not complete yet",
          headers: { "Tus-Resumable": tusResumableHeader, "Upload-Offset": h("bytes received", { type: "string" }, true), "Upload-Expires": h("when it expires") },
        },
        "400": tusError("Malformed tus headers", ["invalid_request"]),
        "403": tusError("Upload-Offset or the application/offset+octet-stream Content-Type is missing", ["missing_header"]),
        "404": tusError("Unknown upload", ["upload_not_found"]),
        "409": tusError("Offset conflict, or the completed upload duplicates a file already in the experiment", ["offset_conflict", "duplicate_file"]),
        "410": tusError("The upload expired", ["upload_gone"]),
        "412": tusError("Tus-Resumable missing", ["tus_version_required"]),
        "413": tusError("More bytes than Upload-Length, or over the quota / zip limits", ["upload_too_large", ...COMPLETE_CODES_413]),
        "422": tusError("The completed upload is empty, not audio, or a refused .zip", COMPLETE_CODES_422),
        "500": internal,
        "503": tusError("The database is not reachable", ["database_unavailable"]),
        "507": tusError("The uploads disk is full, or the declared Upload-Length does not fit in its free space", ["disk_full"]),
      },
    },
    delete: {
      operationId: "terminateUpload",
      tags: ["uploads"],
      summary: "tus termination: abandon an unfinished upload",
      parameters: [p("TusResumable")],
      responses: {
        "204": { description: "Removed", headers: { "Tus-Resumable": tusResumableHeader } },
        "400": tusError("The upload is already complete (completed uploads cannot be terminated)", ["invalid_request"]),
        "404": tusError("Unknown upload", ["upload_not_found"]),
        "412": tusError("Tus-Resumable missing", ["tus_version_required"]),
      },
    },
    get: {
      operationId: "readUpload",
      tags: ["uploads"],
      summary: "Not part of tus: @tus/server serves a completed upload still in the incoming store",
      description:
        "A completed upload is ingested and removed from the incoming store by the request that completes it, so this " +
        "answers 404 in practice; the stored audio is at GET /api/experiments/{name}/files/{id}/audio.",
      responses: {
        "200": { description: "The upload's bytes", content: { "application/octet-stream": { schema: binary("application/octet-stream") } } },
        "404": tusError("Unknown or not (or no longer) available", ["upload_not_found"]),
      },
    },
  },
};

// ───────────────────────────── paths ─────────────────────────────

const paths: Record<string, Obj> = {
  "/api/health": {
    get: {
      operationId: "getHealth",
      tags: ["system"],
      summary: "Up or not; for admins also database, queue, live workers, assets, disk",
      description: "Never needs authentication: anyone gets `{status}`; an admin gets the whole report.",
      "x-required-role": "public",
      responses: {
        "200": ok("Healthy enough to answer (see `ok`)", { anyOf: [ref("HealthStatus"), ref("Health")] }),
        "503": ok("The database is down (same shape, `db.ok` false)", { anyOf: [ref("HealthStatus"), ref("Health")] }),
        "500": internal,
      },
    },
  },
  "/api/auth/me": {
    get: {
      operationId: "getMe",
      tags: ["auth"],
      summary: "Who is calling, and whether the first admin must still be created",
      "x-required-role": "public",
      responses: { "200": ok("The caller (null without valid credentials)", ref("Me")), "500": internal, "503": dbDown },
    },
  },
  "/api/auth/setup": {
    post: {
      operationId: "setup",
      tags: ["auth"],
      summary: "First run only: create the admin account and log in (sets the session cookie)",
      "x-required-role": "public",
      requestBody: jsonBody(obj({ name: userName, password: newPassword })),
      responses: {
        "201": ok("Created and logged in (Set-Cookie: vs_session)", obj({ user: ref("User") })),
        "400": error("Bad input", [...BODY_CODES, "invalid_name", "weak_password", "invalid_password", "unknown_field"]),
        "409": error("An account exists already", ["setup_done"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/auth/login": {
    post: {
      operationId: "login",
      tags: ["auth"],
      summary: "Log in: sets the HttpOnly session cookie `vs_session`",
      description: "5 failed attempts for one account or from one address lock it for 30 s, doubling with each further lockout (at most an hour).",
      "x-required-role": "public",
      requestBody: jsonBody(obj({ name: str(), password: str() })),
      responses: {
        "200": ok("Logged in (Set-Cookie: vs_session)", obj({ user: ref("User") })),
        "400": error("Bad input", [...BODY_CODES, "unknown_field"]),
        "401": error("Wrong name or password", ["invalid_credentials"]),
        "403": error("The account is disabled, or a cross-site request", ["account_disabled", "cross_site"]),
        "429": {
          ...error("Too many failed attempts: `details.retryAfterSeconds` (and Retry-After) say when to try again", ["rate_limited"]),
          headers: { "Retry-After": h("seconds", { type: "string" }) },
        },
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/auth/logout": {
    post: {
      operationId: "logout",
      tags: ["auth"],
      summary: "End this browser's session and clear the cookie",
      "x-required-role": "public",
      responses: { "204": noContent("Logged out"), "403": error("A cross-site request", ["cross_site"]), "500": internal, "503": dbDown },
    },
  },
  "/api/auth/logout-all": {
    post: {
      operationId: "logoutAll",
      tags: ["auth"],
      summary: "End every session of the caller (API tokens stay)",
      "x-required-role": "viewer",
      responses: { "200": ok("How many sessions ended", obj({ ended: int() })), "500": internal, "503": dbDown },
    },
  },
  "/api/auth/password": {
    post: {
      operationId: "changePassword",
      tags: ["auth"],
      summary: "Change your own password; your other sessions end (a browser caller gets a new session cookie)",
      "x-required-role": "viewer",
      requestBody: jsonBody(obj({ current: str(), password: newPassword })),
      responses: {
        "204": noContent("Changed"),
        "400": error("Bad input or wrong current password", [...BODY_CODES, "invalid_current", "wrong_password", "weak_password", "invalid_password", "unknown_field"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/tokens": {
    get: {
      operationId: "listTokens",
      tags: ["auth"],
      summary: "Your API tokens (never their secrets); an admin may pass ?all=1 for everyone's",
      "x-required-role": "viewer",
      parameters: [{ name: "all", in: "query", required: false, description: "`1` (admins): every user's tokens", schema: { type: "string", enum: ["1"] } }],
      responses: { "200": ok("The tokens, newest first", obj({ tokens: arr(ref("ApiToken")) })), "500": internal, "503": dbDown },
    },
    post: {
      operationId: "createToken",
      tags: ["auth"],
      summary: "Create a personal API token; the secret is in this answer only",
      description: "Send it as `Authorization: Bearer vs_…`. A `read` token acts as at most a viewer and never writes; a `write` token acts with your role.",
      "x-required-role": "viewer",
      requestBody: jsonBody(obj({ name: { type: "string", minLength: 1, maxLength: 100 }, scope: { type: "string", enum: [...TOKEN_SCOPES], default: "read" } }, ["scope"])),
      responses: {
        "201": ok("Created", obj({ token: ref("ApiToken"), secret: { type: "string", pattern: "^vs_[A-Za-z0-9_-]{43}$" } })),
        "400": error("Bad input", [...BODY_CODES, "invalid_name", "invalid_scope", "unknown_field"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/tokens/{id}": {
    parameters: [{ name: "id", in: "path", required: true, description: "token id", schema: uuid() }],
    delete: {
      operationId: "revokeToken",
      tags: ["auth"],
      summary: "Revoke a token (yours; admins: anyone's); refused from the next request on, open event streams end",
      "x-required-role": "viewer",
      responses: {
        "200": ok("Revoked", obj({ token: ref("ApiToken") })),
        "404": error("No such token of yours", ["token_not_found"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/users": {
    get: {
      operationId: "listUsers",
      tags: ["auth"],
      summary: "Every account",
      "x-required-role": "admin",
      responses: { "200": ok("The users, oldest first", obj({ users: arr(ref("User")) })), "500": internal, "503": dbDown },
    },
    post: {
      operationId: "createUser",
      tags: ["auth"],
      summary: "Create an account",
      "x-required-role": "admin",
      requestBody: jsonBody(obj({ name: userName, password: newPassword, role: ref("Role") })),
      responses: {
        "201": ok("Created", obj({ user: ref("User") })),
        "400": error("Bad input", [...BODY_CODES, "invalid_name", "weak_password", "invalid_password", "invalid_role", "unknown_field"]),
        "409": error("The name is taken", ["user_exists"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/users/{id}": {
    parameters: [{ name: "id", in: "path", required: true, description: "user id", schema: uuid() }],
    patch: {
      operationId: "updateUser",
      tags: ["auth"],
      summary: "Change a role, disable or enable, or reset the password (the user's sessions end)",
      "x-required-role": "admin",
      requestBody: jsonBody(obj({ role: ref("Role"), disabled: bool(), password: newPassword }, ["role", "disabled", "password"])),
      responses: {
        "200": ok("Changed", obj({ user: ref("User") })),
        "400": error("Bad input", [...BODY_CODES, "invalid_role", "invalid_disabled", "weak_password", "invalid_password", "unknown_field"]),
        "404": error("No such user", ["user_not_found"]),
        "409": error("It would leave no active admin", ["last_admin"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/activity": {
    get: {
      operationId: "listActivity",
      tags: ["auth"],
      summary: "Who did what: every successful write (and logins), newest first",
      "x-required-role": "admin",
      parameters: [
        { name: "limit", in: "query", required: false, description: "1..500 (100)", schema: { type: "string", pattern: "^\\d{1,3}$" } },
        { name: "before", in: "query", required: false, description: "an activity id: older entries only", schema: { type: "string", pattern: "^\\d{1,18}$" } },
      ],
      responses: {
        "200": ok("Entries", obj({ activity: arr(ref("Activity")) })),
        "400": error("Bad query", ["invalid_limit", "invalid_before"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/experiments": {
    get: {
      operationId: "listExperiments",
      tags: ["experiments"],
      summary: "All experiments, newest first, with file count and total duration",
      responses: { "200": ok("The experiments", obj({ experiments: arr(ref("ExperimentListItem")) })), "500": internal, "503": dbDown },
    },
    post: {
      operationId: "createExperiment",
      tags: ["experiments"],
      summary: "Create an experiment",
      requestBody: jsonBody(ref("CreateExperiment")),
      responses: {
        "201": ok("Created", ref("Experiment")),
        "400": error("Bad input", [...BODY_CODES, ...EXPERIMENT_FIELD_CODES]),
        "409": error("An experiment with that name exists", ["experiment_exists"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/experiments/{name}": {
    parameters: [p("ExperimentName")],
    get: {
      operationId: "getExperiment",
      tags: ["experiments"],
      summary: "One experiment with its files, jobs and models",
      responses: { "200": ok("The experiment", ref("ExperimentDetail")), "400": badName(), "404": noExperiment, "500": internal, "503": dbDown },
    },
    patch: {
      operationId: "updateExperiment",
      tags: ["experiments"],
      summary: "Change settings or rename",
      requestBody: jsonBody(ref("ExperimentPatch")),
      responses: {
        "200": ok("Changed", ref("Experiment")),
        "400": error("Bad input", [...BODY_CODES, ...EXPERIMENT_FIELD_CODES, "empty_patch"]),
        "404": noExperiment,
        "409": error("A job of the experiment is queued or running, or the new name is taken", ["experiment_busy", "experiment_exists"]),
        "500": internal,
        "503": dbDown,
      },
    },
    delete: {
      operationId: "deleteExperiment",
      tags: ["experiments"],
      summary: "Delete the experiment, its uploads and working files (its finished models stay)",
      responses: {
        "204": noContent("Deleted"),
        "400": badName(),
        "404": noExperiment,
        "409": error("A job of the experiment is queued or running", ["experiment_busy"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/experiments/{name}/events": {
    parameters: [p("ExperimentName")],
    get: {
      operationId: "streamExperimentEvents",
      tags: ["experiments", "jobs"],
      summary: "Live events of all the experiment's jobs (SSE)",
      parameters: sseParams,
      responses: { "200": sse(), "400": badName(["invalid_last_event_id"]), "404": noExperiment, "500": internal, "503": dbDown },
    },
  },
  "/api/experiments/{name}/files": {
    parameters: [p("ExperimentName")],
    get: {
      operationId: "listExperimentFiles",
      tags: ["experiments", "uploads"],
      summary: "Uploaded files and the dataset card",
      responses: { "200": ok("Files (oldest first) and the card", ref("FileList")), "400": badName(), "404": noExperiment, "500": internal, "503": dbDown },
    },
  },
  "/api/experiments/{name}/files/{id}": {
    parameters: [p("ExperimentName"), p("FileId")],
    delete: {
      operationId: "deleteExperimentFile",
      tags: ["experiments", "uploads"],
      summary: "Remove one uploaded file",
      responses: {
        "204": noContent("Removed"),
        "400": badName(),
        "404": error("No such file in this experiment, or no such experiment", ["file_not_found", "experiment_not_found"]),
        "409": error("A job of the experiment is queued or running", ["experiment_busy"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/experiments/{name}/files/{id}/audio": {
    parameters: [p("ExperimentName"), p("FileId")],
    get: {
      operationId: "getExperimentFileAudio",
      tags: ["experiments", "uploads"],
      summary: "The stored audio, for playback (one byte range supported)",
      parameters: [rangeHeader],
      responses: {
        "200": {
          description: "The whole file; its type follows its extension",
          headers: { "Accept-Ranges": h("`bytes`", { type: "string" }, true), "Content-Length": h("bytes") },
          content: anyAudio,
        },
        "206": partialContent(anyAudio),
        "400": badName(),
        "404": error("No such file, or its stored copy is missing", ["file_not_found", "file_missing"]),
        "416": rangeNotSatisfiable,
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/experiments/{name}/preprocess": {
    parameters: [p("ExperimentName")],
    post: {
      operationId: "preprocessExperiment",
      tags: ["experiments", "jobs"],
      summary: "Queue the preprocess job (slice, resample: 0_gt_wavs, 1_16k_wavs)",
      requestBody: jsonBody({ type: "object", description: "empty: any field is refused", additionalProperties: false }, false),
      responses: enqueueResponses(jobAccepted, [...BODY_CODES, "unknown_field"], ["no_audio"]),
    },
  },
  "/api/experiments/{name}/extract": {
    parameters: [p("ExperimentName")],
    post: {
      operationId: "extractExperiment",
      tags: ["experiments", "jobs"],
      summary: "Queue the extract job (pitch and content features)",
      requestBody: jsonBody(
        { type: "object", additionalProperties: false, properties: { f0Method: { ...ref("F0Method"), description: "default: the experiment's f0Method" } } },
        false,
      ),
      responses: enqueueResponses(jobAccepted, [...BODY_CODES, "invalid_f0Method", "unknown_field"]),
    },
  },
  "/api/experiments/{name}/train": {
    parameters: [p("ExperimentName")],
    post: {
      operationId: "trainExperiment",
      tags: ["experiments", "jobs"],
      summary: "Queue the train job (ends by building the index)",
      requestBody: jsonBody(ref("TrainOptions"), false),
      responses: enqueueResponses(jobAccepted, TRAIN_CODES),
    },
  },
  "/api/experiments/{name}/pipeline": {
    parameters: [p("ExperimentName")],
    post: {
      operationId: "runExperimentPipeline",
      tags: ["experiments", "jobs"],
      summary: "preprocess → extract → train (→ index): queues the first stage; each stage queues the next on success",
      requestBody: jsonBody(ref("TrainOptions"), false, "the train stage's options"),
      responses: enqueueResponses(
        ok("Queued: the first stage's job (the later stages are in its params.then)", obj({ jobs: { ...arr(ref("Job")), minItems: 1, maxItems: 1 } })),
        TRAIN_CODES,
        ["model_name_taken", "no_audio"],
      ),
    },
  },
  "/api/experiments/{name}/index": {
    parameters: [p("ExperimentName")],
    post: {
      operationId: "indexExperiment",
      tags: ["experiments", "jobs"],
      summary: "Queue a rebuild of the model's FAISS index from the experiment's features",
      requestBody: jsonBody({ type: "object", description: "empty: any field is refused", additionalProperties: false }, false),
      responses: enqueueResponses(jobAccepted, [...BODY_CODES, "unknown_field"]),
    },
  },
  "/api/experiments/{name}/validate": {
    parameters: [p("ExperimentName")],
    get: {
      operationId: "validateExperiment",
      tags: ["experiments"],
      summary: "Is the experiment folder a complete RVC training set?",
      responses: { "200": ok("The report", ref("ValidationReport")), "400": badName(), "404": noExperiment, "500": internal, "503": dbDown },
    },
  },
  "/api/jobs": {
    get: {
      operationId: "listJobs",
      tags: ["jobs"],
      summary: "Jobs, newest first (at most 200)",
      parameters: [
        { name: "experiment", in: "query", required: false, description: "experiment name", schema: { type: "string" } },
        { name: "status", in: "query", required: false, schema: ref("JobStatus") },
        { name: "kind", in: "query", required: false, schema: { type: "string", enum: [...QUEUES] } },
      ],
      responses: {
        "200": ok("The jobs", obj({ jobs: arr(ref("Job")) })),
        "400": error("Unknown status or kind", ["invalid_status", "invalid_kind"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/jobs/{id}": {
    parameters: [p("JobId")],
    get: {
      operationId: "getJob",
      tags: ["jobs"],
      summary: "One job",
      responses: { "200": ok("The job", ref("Job")), "404": error("No such job", ["job_not_found"]), "500": internal, "503": dbDown },
    },
  },
  "/api/jobs/{id}/cancel": {
    parameters: [p("JobId")],
    post: {
      operationId: "cancelJob",
      tags: ["jobs"],
      summary: "Cancel: a queued job at once, a running one as soon as its worker stops it (it saves a checkpoint first)",
      responses: {
        "202": ok("Cancelled or cancel requested (`cancelRequested` true)", obj({ job: ref("Job") })),
        "404": error("No such job", ["job_not_found"]),
        "409": error("The job has already ended", ["job_finished"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/jobs/{id}/events": {
    parameters: [p("JobId")],
    get: {
      operationId: "streamJobEvents",
      tags: ["jobs"],
      summary: "Live events of one job (SSE), honouring Last-Event-ID",
      parameters: sseParams,
      responses: {
        "200": sse(),
        "400": error("Bad Last-Event-ID", ["invalid_last_event_id"]),
        "404": error("No such job", ["job_not_found"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/jobs/{id}/logs": {
    parameters: [p("JobId")],
    get: {
      operationId: "getJobLog",
      tags: ["jobs"],
      summary: "The whole log as text, one line per log/status event",
      responses: {
        "200": {
          description: "The log",
          headers: { "Content-Disposition": h("`inline; filename=\"job-{kind}-{id}.log\"`") },
          content: { "text/plain": { schema: { type: "string" } } },
        },
        "404": error("No such job", ["job_not_found"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/models": {
    get: {
      operationId: "listModels",
      tags: ["models"],
      summary: "Finished models, newest first",
      responses: { "200": ok("The models", obj({ models: arr(ref("Model")) })), "500": internal, "503": dbDown },
    },
  },
  "/api/models/{id}": {
    parameters: [p("ModelId")],
    get: {
      operationId: "getModel",
      tags: ["models"],
      summary: "One model",
      responses: { "200": ok("The model", ref("Model")), "404": error("No such model", ["model_not_found"]), "500": internal, "503": dbDown },
    },
    delete: {
      operationId: "deleteModel",
      tags: ["models"],
      summary: "Delete the model's files and row",
      responses: {
        "204": noContent("Deleted"),
        "404": error("No such model", ["model_not_found"]),
        "409": error("A conversion with it is queued or running", ["model_busy"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/models/{id}/download": {
    parameters: [p("ModelId")],
    get: {
      operationId: "downloadModel",
      tags: ["models"],
      summary: "A model file as an attachment; zip: {name}/ with the .pth, .index, .onnx and model.json",
      parameters: [{ name: "file", in: "query", required: false, schema: { type: "string", enum: [...DOWNLOADS], default: "pth" } }],
      responses: {
        "200": {
          description: "The file",
          headers: { "Content-Disposition": h('`attachment; filename="…"`', { type: "string" }, true), "Content-Length": h("bytes (not for zip)") },
          content: { "application/octet-stream": { schema: binary("application/octet-stream") }, "application/zip": { schema: binary("application/zip") } },
        },
        "400": error("Unknown file kind", ["invalid_file"]),
        "404": error("No such model, or it has no such file", ["model_not_found", "model_file_missing"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/models/import": {
    post: {
      operationId: "importModel",
      tags: ["models"],
      summary: "Import an RVC model (.pth small model, optional .index); an export job then adds the ONNX file",
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              properties: {
                pth: binary("application/octet-stream", "the RVC small model (.pth)"),
                index: binary("application/octet-stream", "its FAISS index (.index)"),
                name: { ...ref("ExperimentName"), description: "the model's name (default: from the .pth file name)" },
              },
              required: ["pth"],
            },
          },
        },
      },
      responses: {
        "201": ok("Imported", ref("ModelImportResult")),
        "400": error("A malformed form, no pth file, an unknown or repeated field, or a bad name", ["invalid_form", "missing_file", "invalid_name", ...FORM_CODES]),
        "409": error("A model with that name exists", ["model_exists"]),
        "413": error("A file (or the declared body) larger than MAX_UPLOAD_BYTES; refused while streaming", ["upload_too_large"]),
        "415": error("Not multipart/form-data, or not a .pth / .index file name", ["invalid_form", "unsupported_type"]),
        "422": error("Empty, not an RVC model (checked by the trainer), or not a FAISS index", ["empty_file", "not_an_rvc_model", "not_a_faiss_index"]),
        "500": internal,
        "503": error("MAX_PYTHON_HELPERS model checks are already running (Retry-After), or the database or queue is down", ["busy", "database_unavailable", "queue_unavailable"]),
      },
    },
  },
  "/api/pretrained": {
    get: {
      operationId: "listPretrained",
      tags: ["models"],
      summary: "Custom pretrained weights in DATA_ROOT/pretrained/",
      responses: { "200": ok("The files", obj({ files: arr(ref("PretrainedFile")) })), "500": internal },
    },
    post: {
      operationId: "uploadPretrained",
      tags: ["models"],
      summary: "Store custom pretrained G and D weights (both or nothing), to pass as the train request's `pretrained`",
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              properties: {
                g: binary("application/octet-stream", "generator weights (.pth)"),
                d: binary("application/octet-stream", "discriminator weights (.pth)"),
              },
              required: ["g", "d"],
            },
          },
        },
      },
      responses: {
        "201": ok("Stored; pass these names as `pretrained: {g, d}`", obj({ pretrained: obj({ g: PRETRAINED_FILE, d: PRETRAINED_FILE }) })),
        "400": error("A malformed form, a file missing, or an unknown or repeated field", ["invalid_form", "missing_file", ...FORM_CODES]),
        "413": error("A file (or the declared body) larger than MAX_UPLOAD_BYTES; refused while streaming", ["upload_too_large"]),
        "415": error("Not multipart/form-data, or not a .pth file name", ["invalid_form", "unsupported_type"]),
        "422": error("Empty or not a PyTorch checkpoint", ["empty_file", "not_a_checkpoint"]),
        "500": internal,
      },
    },
  },
  "/api/system/selftest": {
    post: {
      operationId: "queueSelftest",
      tags: ["system", "jobs"],
      summary: "Queue a model-free job that exercises a worker, live progress, logs and metrics",
      requestBody: jsonBody(
        {
          type: "object",
          additionalProperties: false,
          properties: {
            seconds: { type: "number", exclusiveMinimum: 0, maximum: 3600, default: 10 },
            steps: { type: "integer", minimum: 1, maximum: 100_000, default: 100 },
          },
        },
        false,
      ),
      responses: {
        "202": jobAccepted,
        "400": error("Bad input", [...BODY_CODES, "invalid_seconds", "invalid_steps", "unknown_field"]),
        "429": error("Three self-tests are already queued or running (Retry-After)", ["too_many_selftests"]),
        "500": internal,
        "503": queueDown,
      },
    },
  },
  ...tusPaths,
  "/api/conversions": {
    get: {
      operationId: "listConversions",
      tags: ["conversions"],
      summary: "Conversions, newest first",
      parameters: [{ name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } }],
      responses: {
        "200": ok("The conversions", obj({ conversions: arr(ref("Conversion")) })),
        "400": error("Bad limit", ["invalid_limit"]),
        "500": internal,
        "503": dbDown,
      },
    },
    post: {
      operationId: "createConversion",
      tags: ["conversions"],
      summary: "Convert a recording with a model: an uploaded file (JSON) or one sent with the request (multipart)",
      requestBody: {
        required: true,
        content: {
          [JSON_TYPE]: { schema: ref("ConversionCreate") },
          "multipart/form-data": { schema: ref("ConversionCreateForm") },
        },
      },
      responses: {
        "202": ok("Queued", obj({ conversion: ref("Conversion"), job: ref("JobRef") })),
        "400": error("Bad input: a setting out of range, an unknown field, no model or no input", [
          ...BODY_CODES,
          "invalid_form",
          ...FORM_CODES,
          "missing_model",
          "missing_input",
          ...CONVERSION_PARAM_NAMES.map((n) => `invalid_${n}`),
        ]),
        "404": error("No such model, or no such ready uploaded file (or its stored copy is missing)", ["model_not_found", "file_not_found"]),
        "409": error("The model has no ONNX file yet (its export job has not finished)", ["model_not_ready"]),
        "413": error("The recording is larger than MAX_CONVERSION_BYTES (refused while streaming), or a JSON body over 1 MiB", ["too_large", "body_too_large"]),
        "415": error("Not an accepted audio file name, or the content is not decodable audio", ["unsupported_type", "not_audio"]),
        "422": error("Shorter than 0.5 s or longer than MAX_CONVERSION_SECONDS, or audio whose header breaks the limits (details.problem)", ["too_short", "too_long", "invalid_audio"]),
        "500": internal,
        "503": queueDown,
      },
    },
  },
  "/api/conversions/{id}": {
    parameters: [p("ConversionId")],
    get: {
      operationId: "getConversion",
      tags: ["conversions"],
      summary: "One conversion: status, settings, where to fetch input and output",
      responses: { "200": ok("The conversion", ref("Conversion")), "404": noConversion, "500": internal, "503": dbDown },
    },
    delete: {
      operationId: "deleteConversion",
      tags: ["conversions"],
      summary: "Delete a conversion and its files",
      responses: {
        "204": noContent("Deleted"),
        "404": noConversion,
        "409": error("Its job is queued or running; cancel it first", ["conversion_busy"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/conversions/{id}/audio": {
    parameters: [p("ConversionId")],
    get: {
      operationId: "getConversionAudio",
      tags: ["conversions"],
      summary: "The converted audio (wav at the model's sample rate; one byte range supported)",
      parameters: [downloadParam, rangeHeader],
      responses: {
        "200": {
          description: "The wav",
          headers: fileHeaders,
          content: { "audio/wav": { schema: binary("audio/wav") } },
        },
        "206": partialContent({ "audio/wav": { schema: binary("audio/wav") } }),
        "416": rangeNotSatisfiable,
        "404": error("No such conversion, or its output is missing on disk", ["conversion_not_found", "conversion_file_missing"]),
        "409": error("Not succeeded (yet): queued, running, failed or cancelled", ["conversion_not_ready"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/conversions/{id}/input": {
    parameters: [p("ConversionId")],
    get: {
      operationId: "getConversionInput",
      tags: ["conversions"],
      summary: "The original input recording (its own audio content type; one byte range supported)",
      parameters: [downloadParam, rangeHeader],
      responses: {
        "200": {
          description: "The input",
          headers: fileHeaders,
          content: anyAudio,
        },
        "206": partialContent(anyAudio),
        "416": rangeNotSatisfiable,
        "404": error("No such conversion, or its input is missing on disk", ["conversion_not_found", "conversion_file_missing"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/openapi.json": {
    get: {
      operationId: "getOpenApi",
      tags: ["system"],
      summary: "This document",
      responses: {
        "200": ok("The OpenAPI 3.1 description of the API", {
          type: "object",
          required: ["openapi", "info", "paths"],
          properties: { openapi: { type: "string", pattern: "^3\\.1\\." }, info: { type: "object" }, paths: { type: "object" } },
        }),
        "500": internal,
      },
    },
  },
};

const DESCRIPTION = `Self-hosted RVC voice-model training and conversion. JSON in and out unless noted; times are ISO 8601.

Every error is \`{"error": {"code", "message", "details"?}}\` with the matching status (400 bad input, 404 unknown, 409 conflict or state, 413 too large, 415 unsupported media, 422 semantically invalid, 429 too many at once, 503 a dependency is down or busy; 500 for the unexpected, code \`internal\`). Each error response below lists the codes it can carry where they are fixed. Any JSON body over 1 MiB is refused with 413 \`body_too_large\`.

Uploads use tus 1.0.0 at ${TUS_PATH}. Live progress is server-sent events (text/event-stream).

Authentication: every route needs a session (the HttpOnly \`vs_session\` cookie from POST /api/auth/login) or \`Authorization: Bearer vs_…\` (a personal API token), except those whose \`x-required-role\` is \`public\`. Each operation's \`x-required-role\` is the least role it needs (viewer < member < admin; a read-only token acts as a viewer and never writes): 401 \`unauthenticated\`/\`invalid_token\` without valid credentials, 403 \`forbidden\` for a lower role. Deleting, renaming or changing an experiment, removing a file, deleting a model or conversion and cancelling a job are for its creator (a file or job also for its experiment's creator; rows without a creator for anyone) and admins, else 403 \`not_owner\` naming the owner. Writes with the cookie must come from this site's pages (Origin or Sec-Fetch-Site), else 403 \`cross_site\`; JSON bodies must be \`application/json\` (else 415).`;

const unauthenticatedResponse = error("No valid session or token", ["unauthenticated", "invalid_token"]);
const forbiddenResponse = (write: boolean) =>
  error(write ? "The role is too low, the token read-only, or a cross-site request" : "The role is too low", write ? ["forbidden", "cross_site"] : ["forbidden"]);
const unsupportedResponse = error("The body is not application/json", ["unsupported_media_type"]);
/** Operations that delete or change a row with a creator: members only their own (lib/auth/ownership.ts). */
const OWNER_CHECKED = new Set([
  "patch /api/experiments/{name}",
  "delete /api/experiments/{name}",
  "delete /api/experiments/{name}/files/{id}",
  "post /api/jobs/{id}/cancel",
  "delete /api/models/{id}",
  "delete /api/conversions/{id}",
]);
const notOwnerResponse = error("The role is too low, the token read-only, a cross-site request, or it belongs to another user (members change only what they created; admins anything)", [
  "forbidden",
  "cross_site",
  "not_owner",
]);

/** The least role of an operation: declared with `x-required-role`, else reads viewer, writes member; uploads member. */
export function requiredRole(path: string, method: string, op: Obj): Access {
  const declared = op["x-required-role"] as Access | undefined;
  if (declared) return declared;
  if (path === "/api/system/selftest") return "admin";
  if (path.startsWith(TUS_PATH)) return "member";
  return method === "get" || method === "head" ? "viewer" : "member";
}

/** Every operation gets its role, its security (none for public ones) and the gate's 401/403 (and 415 for JSON bodies). */
function withAccess(all: Record<string, Obj>): Record<string, Obj> {
  const out: Record<string, Obj> = {};
  for (const [path, item] of Object.entries(all)) {
    const next: Obj = { ...item };
    for (const method of ["get", "head", "post", "put", "patch", "delete", "options"]) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const role = requiredRole(path, method, op);
      const write = !["get", "head", "options"].includes(method);
      const responses = { ...(op.responses as Obj) };
      if (role !== "public") {
        responses["401"] ??= unauthenticatedResponse;
        responses["403"] ??= OWNER_CHECKED.has(`${method} ${path}`) ? notOwnerResponse : forbiddenResponse(write);
      }
      const body = op.requestBody as { content?: Obj } | undefined;
      if (body?.content?.[JSON_TYPE]) responses["415"] ??= unsupportedResponse;
      next[method] = { ...op, "x-required-role": role, ...(role === "public" ? { security: [] } : {}), responses };
    }
    out[path] = next;
  }
  return out;
}

/** The whole document (a fresh object each call). */
export function openApiDocument(): Obj {
  return structuredClone({
    openapi: "3.1.1",
    info: {
      title: "Voice Studio API",
      version: "0.1.0",
      description: DESCRIPTION,
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    tags: [
      { name: "experiments", description: "Experiments: settings, uploaded files, training stages" },
      { name: "uploads", description: "tus 1.0.0 uploads and the files they become" },
      { name: "jobs", description: "Queued work, its progress and logs" },
      { name: "models", description: "Finished and imported voice models, custom pretrained weights" },
      { name: "conversions", description: "Voice conversion with a model" },
      { name: "system", description: "Health, self-test, this document" },
      { name: "auth", description: "Accounts, sessions, API tokens, activity" },
      { name: "webhooks", description: "Signed event notifications to your URLs, with a delivery log" },
    ],
    paths: withAccess({ ...paths, ...webhookPaths }),
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    components: {
      schemas,
      parameters,
      responses: {
        Internal: error("Unexpected server error: a generic message and `requestId`; the details are only in the server log", ["internal"]),
        DiskFull: error("A disk is full (ENOSPC/EDQUOT, or Postgres could not extend a file): `details.disk` names it (DATA_ROOT, UPLOADS_DIR, EXPERIMENTS_DIR, MODELS_ROOT or database)", ["disk_full"]),
        DatabaseUnavailable: error("The database is not reachable", ["database_unavailable"]),
      },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "A personal API token `vs_…` (POST /api/tokens)" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "vs_session", description: "Set by POST /api/auth/login or /api/auth/setup" },

      },
    },
  });
}
