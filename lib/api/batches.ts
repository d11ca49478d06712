/**
 * Specs and schemas (zod 4) of the batch conversion routes (app/api/conversions/batch/**, /batches; api.md "Batch
 * conversion"). The wrapper (lib/http.ts `route(spec, handler)`) parses params, query and the JSON body with them;
 * the OpenAPI document is generated from the same specs (lib/openapi.ts). The settings are built from the
 * conversion settings' own rules (lib/conversion-params.ts), so a changed range changes them too.
 */
import { z } from "zod";
import { AUDIO_EXTENSIONS } from "../audio/formats";
import { CONVERSION_PARAM_NAMES } from "../conversion-params";
import { Conversion, ConversionParams as ConversionSettingsOut, ConversionSettings, PathId } from "./common";
import { binary, FORM_CODES, header } from "./fragments";
import { BODY_CODES, DB_DOWN, defineRoute, err, INTERNAL, ok, QUEUE_DOWN } from "./spec";

/** The settings of every clip: the one schema of a conversion's settings (each optional, upstream's default when
 * missing, unknown names refused), so the gate's parse is the only one. */
export const BatchParams = ConversionSettings;

/** JSON body of POST /api/conversions/batch: clips that are already uploaded audio files (AudioFile ids). */
export const BatchCreateJson = z
  .strictObject({
    modelId: z.string({ error: "is required: the id of a model from GET /api/models" }).min(1, { error: "is required: the id of a model from GET /api/models" }),
    fileIds: z
      .array(z.string().min(1).max(200), { error: "is required: a list of uploaded file ids" })
      .min(1, { error: "needs at least one uploaded file id" })
      .meta({ description: "ids of uploaded AudioFiles (status ready), at most MAX_BATCH_CLIPS" }),
    params: BatchParams.prefault({}).meta({ description: "settings of every clip; missing ones take their defaults" }),
  })
  .meta({ id: "ConversionBatchCreate", description: "Convert already uploaded files (AudioFiles of any experiment) with a model; missing settings take their defaults" });
export type BatchCreateJson = z.infer<typeof BatchCreateJson>;

export const BATCH_STATUSES = ["queued", "running", "succeeded", "partial", "failed"] as const;

const isoTime = z.iso.datetime();

/** GET /api/conversions/batch/{id} (and the 202 of POST): the batch with every clip's conversion. */
export const BatchResponse = z
  .strictObject({
    id: z.uuid(),
    modelId: z.uuid().nullable(),
    model: z.strictObject({ id: z.uuid(), name: z.string() }).nullable(),
    params: ConversionSettingsOut,
    status: z.enum(BATCH_STATUSES),
    total: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    progress: z.number().min(0).max(1).meta({ description: "0…1 over all clips" }),
    skipped: z.array(z.strictObject({ name: z.string(), reason: z.string() })).meta({ description: "inputs left out, with the reason" }),
    createdAt: isoTime,
    finishedAt: isoTime.nullable(),
    downloadUrl: z.string().meta({ description: "GET: a zip of the succeeded outputs" }),
    conversions: z.array(Conversion),
  })
  .meta({ id: "ConversionBatch" });

/** GET /api/conversions/batches */
export const BatchListResponse = z.strictObject({ batches: z.array(BatchResponse.omit({ conversions: true })) });

const BatchIdParams = z.strictObject({ id: PathId.meta({ description: "batch id" }) });
const noBatch = err("No batch with this id", ["batch_not_found"]);
const limitRule = { error: "must be a whole number from 1 to 100" };

/** The multipart form: clips sent with the request; the settings are text fields holding the values. */
const formSchema = {
  type: "object",
  description: "Clips sent with the request: `audio` once per file, or one `zip` of audio files; the settings are text fields for every clip",
  properties: {
    audio: {
      type: "array",
      items: binary("application/octet-stream"),
      description: `the recordings (${AUDIO_EXTENSIONS.map((e) => "." + e).join(", ")}), at most MAX_BATCH_CLIPS, each at most MAX_CONVERSION_BYTES`,
    },
    zip: binary("application/zip", "instead of `audio`: a .zip whose audio entries are the clips (other entries are skipped and listed)"),
    modelId: { type: "string", format: "uuid" },
    ...Object.fromEntries(CONVERSION_PARAM_NAMES.map((n) => [n, { type: "string", description: `the ${n} setting as text` }])),
  },
  required: ["modelId"],
  additionalProperties: false,
};

export const createConversionBatch = defineRoute({
  method: "POST",
  path: "/api/conversions/batch",
  operationId: "createConversionBatch",
  access: "member",
  tags: ["conversions"],
  summary: "Convert many clips with one model and one set of settings: files or a zip (multipart), or uploaded file ids (JSON)",
  description:
    "One conversion (and `convert` job) per usable clip, all carrying the batch's id. Clips that cannot be used (not audio, too short or long, a zip entry that is not audio) are skipped and listed in `skipped`; a batch with no usable clip is refused.",
  body: BatchCreateJson,
  bodyType: "json-or-multipart",
  bodyRequired: true,
  errorCodes: { modelId: { missing: "missing_model", "*": "missing_model" }, fileIds: { missing: "missing_input" } },
  requestBody: { content: { "multipart/form-data": { schema: formSchema } } },
  responses: {
    202: ok("Queued", BatchResponse),
    400: err("Bad input: no clips, both audio and zip, a setting out of range, an unknown field", [
      ...BODY_CODES,
      "invalid_form",
      ...FORM_CODES,
      "missing_model",
      "missing_input",
      "mixed_input",
      "invalid_fileIds",
      "invalid_params",
      ...CONVERSION_PARAM_NAMES.map((n) => `invalid_${n}`),
    ]),
    404: err("No such model", ["model_not_found"]),
    409: err("The model has no ONNX file yet", ["model_not_ready"]),
    413: err("A clip over MAX_CONVERSION_BYTES, the batch over MAX_BATCH_BYTES, or a zip with too many entries", ["too_large", "batch_too_large", "body_too_large", "zip_too_many_entries", "zip_too_large"]),
    415: err("A file that is not an accepted audio type, or a zip field that is not a .zip", ["unsupported_type"]),
    422: err("More clips than MAX_BATCH_CLIPS, no usable clip, a zip entry that points outside it, a zip bomb, an unreadable zip", [
      "too_many_clips",
      "no_usable_clips",
      "zip_unsafe_path",
      "zip_suspicious_ratio",
      "zip_invalid",
      "zip_no_audio",
    ]),
    500: INTERNAL,
    503: QUEUE_DOWN,
  },
});

export const getConversionBatch = defineRoute({
  method: "GET",
  path: "/api/conversions/batch/{id}",
  operationId: "getConversionBatch",
  access: "viewer",
  tags: ["conversions"],
  summary: "One batch: status, done/total, failed, skipped inputs and each clip's conversion",
  params: BatchIdParams,
  responses: { 200: ok("The batch", BatchResponse), 404: noBatch, 500: INTERNAL, 503: DB_DOWN },
});

export const downloadConversionBatch = defineRoute({
  method: "GET",
  path: "/api/conversions/batch/{id}/download",
  operationId: "downloadConversionBatch",
  access: "viewer",
  tags: ["conversions"],
  summary: "The succeeded outputs as one zip (streamed), each named `<input>.<model>.wav`",
  params: BatchIdParams,
  responses: {
    200: {
      description: "The zip",
      headers: { "Content-Disposition": header("attachment; filename=…") },
      content: { "application/zip": { schema: binary("application/zip") } },
    },
    404: noBatch,
    409: err("No clip has succeeded yet", ["batch_not_ready"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const listConversionBatches = defineRoute({
  method: "GET",
  path: "/api/conversions/batches",
  operationId: "listConversionBatches",
  access: "viewer",
  tags: ["conversions"],
  summary: "Batches, newest first (without their clip lists)",
  query: z.strictObject({
    limit: z.coerce.number(limitRule).int(limitRule).min(1, limitRule).max(100, limitRule).default(20).meta({ type: "integer" }),
  }),
  responses: {
    200: ok("The batches", BatchListResponse),
    400: err("Bad limit or an unknown query parameter", ["invalid_limit", "unknown_field"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});
