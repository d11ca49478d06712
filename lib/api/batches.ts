/**
 * Request and response schemas (zod 4) of the batch conversion API (api.md "Batch conversion"). The route handlers
 * parse with them (`parseBody`); the response schemas describe what GET answers and are checked by the tests.
 * Built from the conversion settings' own rules (lib/conversion-params.ts), so a changed range changes them too.
 */
import { z } from "zod";
import { CONVERSION_FIELDS, type ConversionParams } from "../conversion-params";
import { badRequest } from "../errors";

function settingSchema(name: keyof ConversionParams) {
  const f = CONVERSION_FIELDS[name];
  if (f.kind === "choice") return z.enum(f.choices as [string, ...string[]]);
  const n = f.integer ? z.number().int() : z.number();
  return n.min(f.min).max(f.max);
}

/** The settings of every clip: each optional (upstream's defaults), unknown names refused. */
export const BatchParams = z.strictObject({
  pitch: settingSchema("pitch").optional(),
  indexRate: settingSchema("indexRate").optional(),
  f0Method: settingSchema("f0Method").optional(),
  protect: settingSchema("protect").optional(),
  filterRadius: settingSchema("filterRadius").optional(),
  rmsMixRate: settingSchema("rmsMixRate").optional(),
});

/** JSON body of POST /api/conversions/batch: clips that are already uploaded audio files (AudioFile ids). */
export const BatchCreateJson = z.strictObject({
  modelId: z.string().min(1, "modelId is required: the id of a model from GET /api/models"),
  fileIds: z.array(z.string().min(1)).min(1, "fileIds needs at least one uploaded file id"),
  params: BatchParams.optional(),
});
export type BatchCreateJson = z.infer<typeof BatchCreateJson>;

/** Text fields of the multipart form (files: `audio` several times, or one `zip`). */
export const BatchCreateFormFields = z.strictObject({
  modelId: z.string().min(1, "modelId is required: the id of a model from GET /api/models"),
  pitch: z.string().optional(),
  indexRate: z.string().optional(),
  f0Method: z.string().optional(),
  protect: z.string().optional(),
  filterRadius: z.string().optional(),
  rmsMixRate: z.string().optional(),
});

export const BATCH_STATUSES = ["queued", "running", "succeeded", "partial", "failed"] as const;

const isoTime = z.iso.datetime();

/** One clip of a batch as GET shows it (the full conversion object, lib/conversions.ts#toApiConversion). */
export const BatchClip = z.looseObject({
  id: z.uuid(),
  inputName: z.string(),
  status: z.string(),
  progress: z.number(),
  error: z.string().nullable(),
  audioUrl: z.string().nullable(),
});

/** GET /api/conversions/batch/{id} (and the batch inside the 202 of POST). */
export const BatchResponse = z.strictObject({
  id: z.uuid(),
  modelId: z.uuid().nullable(),
  model: z.strictObject({ id: z.uuid(), name: z.string() }).nullable(),
  params: z.record(z.string(), z.union([z.number(), z.string()])),
  status: z.enum(BATCH_STATUSES),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  /** 0…1 over all clips */
  progress: z.number().min(0).max(1),
  skipped: z.array(z.strictObject({ name: z.string(), reason: z.string() })),
  createdAt: isoTime,
  finishedAt: isoTime.nullable(),
  downloadUrl: z.string(),
  conversions: z.array(BatchClip),
});

/** GET /api/conversions/batches */
export const BatchListResponse = z.strictObject({ batches: z.array(BatchResponse.omit({ conversions: true })) });

/** Parse `body` with `schema`; the first problem becomes a 400 `invalid_body` naming the field (the API's error shape). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join(".");
  if (issue.code === "unrecognized_keys") {
    const where = field ? ` in ${field}` : "";
    throw badRequest("unknown_field", `Unknown field(s)${where}: ${issue.keys.join(", ")}`, { fields: issue.keys });
  }
  throw badRequest("invalid_body", field ? `${field}: ${issue.message}` : issue.message, field ? { field } : undefined);
}
