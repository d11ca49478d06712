/**
 * The batch conversion paths of the OpenAPI document (merged into lib/openapi.ts). Request and response bodies are
 * generated from the zod schemas the handlers parse with (lib/api/batches.ts), so the two cannot drift apart; a
 * batch's clips are the document's own `Conversion` schema.
 */
import { z } from "zod";
import { AUDIO_EXTENSIONS } from "./audio/formats";
import { CONVERSION_PARAM_NAMES } from "./conversion-params";
import { BatchCreateJson, BatchListResponse, BatchResponse } from "./api/batches";

type Obj = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A zod schema as a JSON Schema of the document (without its own `$schema`). */
function schemaOf(s: z.ZodType, io: "input" | "output"): Obj {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io }) as Obj;
  return rest;
}

/** The batch with `conversions` as a list of the document's Conversion. */
function batchSchema(): Obj {
  const s = schemaOf(BatchResponse, "output") as { properties: Obj };
  return { ...s, properties: { ...s.properties, conversions: { type: "array", items: ref("Conversion") } } };
}

function error(description: string, codes: readonly string[]): Obj {
  return {
    description: `${description}. Codes: ${codes.map((c) => `\`${c}\``).join(", ")}`,
    content: {
      "application/json": {
        schema: { allOf: [ref("Error"), { type: "object", properties: { error: { type: "object", properties: { code: { type: "string", enum: [...codes] } } } } }] },
      },
    },
  };
}

const ok = (description: string, schema: Obj) => ({ description, content: { "application/json": { schema } } });
const internal = { $ref: "#/components/responses/Internal" };
const dbDown = { $ref: "#/components/responses/DatabaseUnavailable" };
const batchId = { name: "id", in: "path", required: true, description: "batch id", schema: { type: "string", format: "uuid" } };
const noBatch = error("No batch with this id", ["batch_not_found"]);

const formSchema: Obj = {
  type: "object",
  description: "Clips sent with the request: `audio` once per file, or one `zip` of audio files; the settings are text fields for every clip",
  properties: {
    audio: {
      type: "array",
      items: { type: "string", contentMediaType: "application/octet-stream" },
      description: `the recordings (${AUDIO_EXTENSIONS.map((e) => "." + e).join(", ")}), at most MAX_BATCH_CLIPS, each at most MAX_CONVERSION_BYTES`,
    },
    zip: { type: "string", contentMediaType: "application/zip", description: "instead of `audio`: a .zip whose audio entries are the clips (other entries are skipped and listed)" },
    modelId: { type: "string", format: "uuid" },
    ...Object.fromEntries(CONVERSION_PARAM_NAMES.map((n) => [n, { type: "string", description: `the ${n} setting as text` }])),
  },
  required: ["modelId"],
  additionalProperties: false,
};

export const paths: Record<string, Obj> = {
  "/api/conversions/batch": {
    post: {
      operationId: "createConversionBatch",
      tags: ["conversions"],
      summary: "Convert many clips with one model and one set of settings: files or a zip (multipart), or uploaded file ids (JSON)",
      description:
        "One conversion (and `convert` job) per usable clip, all carrying the batch's id. Clips that cannot be used (not audio, too short or long, a zip entry that is not audio) are skipped and listed in `skipped`; a batch with no usable clip is refused.",
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: schemaOf(BatchCreateJson, "input") },
          "multipart/form-data": { schema: formSchema },
        },
      },
      responses: {
        "202": ok("Queued", batchSchema()),
        "400": error("Bad input: no clips, both audio and zip, a setting out of range, an unknown field", [
          "invalid_json",
          "invalid_body",
          "invalid_form",
          "unknown_field",
          "duplicate_field",
          "invalid_field",
          "too_many_parts",
          "invalid_content_length",
          "missing_input",
          "mixed_input",
          ...CONVERSION_PARAM_NAMES.map((n) => `invalid_${n}`),
        ]),
        "404": error("No such model", ["model_not_found"]),
        "409": error("The model has no ONNX file yet", ["model_not_ready"]),
        "413": error("A clip over MAX_CONVERSION_BYTES, the batch over MAX_BATCH_BYTES, or a zip with too many entries", ["too_large", "batch_too_large", "body_too_large", "zip_too_many_entries", "zip_too_large"]),
        "415": error("A file that is not an accepted audio type, or a zip field that is not a .zip", ["unsupported_type"]),
        "422": error("More clips than MAX_BATCH_CLIPS, no usable clip, a zip entry that points outside it, a zip bomb, an unreadable zip", [
          "too_many_clips",
          "no_usable_clips",
          "zip_unsafe_path",
          "zip_suspicious_ratio",
          "zip_invalid",
          "zip_no_audio",
        ]),
        "500": internal,
        "503": error("The database or the job queue is not reachable", ["database_unavailable", "queue_unavailable"]),
      },
    },
  },
  "/api/conversions/batch/{id}": {
    parameters: [batchId],
    get: {
      operationId: "getConversionBatch",
      tags: ["conversions"],
      summary: "One batch: status, done/total, failed, skipped inputs and each clip's conversion",
      responses: { "200": ok("The batch", batchSchema()), "404": noBatch, "500": internal, "503": dbDown },
    },
  },
  "/api/conversions/batch/{id}/download": {
    parameters: [batchId],
    get: {
      operationId: "downloadConversionBatch",
      tags: ["conversions"],
      summary: "The succeeded outputs as one zip (streamed), each named `<input>.<model>.wav`",
      responses: {
        "200": {
          description: "The zip",
          headers: { "Content-Disposition": { schema: { type: "string" }, description: "attachment; filename=…" } },
          content: { "application/zip": { schema: { type: "string", contentMediaType: "application/zip" } } },
        },
        "404": noBatch,
        "409": error("No clip has succeeded yet", ["batch_not_ready"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/conversions/batches": {
    get: {
      operationId: "listConversionBatches",
      tags: ["conversions"],
      summary: "Batches, newest first (without their clip lists)",
      parameters: [{ name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } }],
      responses: {
        "200": ok("The batches", schemaOf(BatchListResponse, "output")),
        "400": error("Bad limit", ["invalid_limit"]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
};
