/** Specs of the conversion routes (app/api/conversions/**). */
import { z } from "zod";
import { AUDIO_EXTENSIONS } from "../audio/formats";
import { CONVERSION_DEFAULTS, CONVERSION_FIELDS, CONVERSION_PARAM_NAMES, type ChoiceField, type NumberField } from "../conversion-params";
import { COVER_DEFAULTS, COVER_FIELDS, COVER_PARAM_NAMES } from "../cover-params";
import { Conversion, ConversionAccepted, ConversionCreateBody, CoverCreateBody, PathId } from "./common";
import { ANY_AUDIO, binary, FILE_HEADERS, FORM_CODES, partialContent, RANGE_HEADER, RANGE_NOT_SATISFIABLE, WAV } from "./fragments";
import { BODY_CODES, DB_DOWN, defineRoute, err, INTERNAL, noContent, ok, QUEUE_DOWN } from "./spec";

const ConversionParams_ = z.strictObject({ id: PathId.meta({ description: "conversion id" }) });
const noConversion = err("No such conversion", ["conversion_not_found"]);
const DownloadQuery = z.strictObject({
  download: z.enum(["1", "0"]).optional().meta({ description: "`1`: as an attachment (Content-Disposition with the file name)" }),
});

/** A multipart form's setting: form fields hold strings; the same rules as the JSON body. */
const formParam = (f: NumberField | ChoiceField, fallback: string | number) => {
  const schema = f.kind === "choice" ? { type: "string", enum: [...f.choices] } : { type: "string", description: `a ${f.integer ? "whole " : ""}number from ${f.min} to ${f.max}` };
  return { ...schema, description: `${f.label}: ${f.help} (default ${fallback})` };
};
const conversionFormParams = () => Object.fromEntries(CONVERSION_PARAM_NAMES.map((n) => [n, formParam(CONVERSION_FIELDS[n], CONVERSION_DEFAULTS[n])]));

/** The multipart body of POST /api/conversions and /api/covers: `audio`, modelId and the settings as strings. */
const audioForm = (description: string, extra: Record<string, unknown> = {}) => ({
  content: {
    "multipart/form-data": {
      schema: {
        type: "object",
        description,
        properties: {
          audio: binary("application/octet-stream", `the recording (${AUDIO_EXTENSIONS.map((e) => "." + e).join(", ")})`),
          modelId: { type: "string", format: "uuid" },
          ...conversionFormParams(),
          ...extra,
        },
        required: ["audio", "modelId"],
        additionalProperties: false,
      },
    },
  },
});

/** Answers of POST /api/conversions, shared by POST /api/covers. */
const createResponses = (invalid: string[], unavailable: ReturnType<typeof err> = QUEUE_DOWN) => ({
  202: ok("Queued", ConversionAccepted),
  400: err("Bad input: a setting out of range, an unknown field, no model or no input", [
    ...BODY_CODES,
    "invalid_form",
    ...FORM_CODES,
    "missing_model",
    "missing_input",
    ...[...CONVERSION_PARAM_NAMES, ...invalid].map((n) => `invalid_${n}`),
  ]),
  404: err("No such model, or no such ready uploaded file (or its stored copy is missing)", ["model_not_found", "file_not_found"]),
  409: err("The model has no ONNX file yet (its export job has not finished)", ["model_not_ready"]),
  413: err("The recording is larger than MAX_CONVERSION_BYTES (refused while streaming), or a JSON body over 1 MiB", ["too_large", "body_too_large"]),
  415: err("Not an accepted audio file name, or the content is not decodable audio", ["unsupported_type", "not_audio"]),
  422: err("Shorter than 0.5 s or longer than MAX_CONVERSION_SECONDS, or audio whose header breaks the limits (details.problem)", ["too_short", "too_long", "invalid_audio"]),
  500: INTERNAL,
  503: unavailable,
});
const createErrorCodes = { modelId: { missing: "missing_model", "*": "missing_model" }, fileId: { missing: "missing_input", "*": "missing_input" } };

export const listConversions = defineRoute({
  method: "GET",
  path: "/api/conversions",
  operationId: "listConversions",
  access: "viewer",
  tags: ["conversions"],
  summary: "Conversions, newest first",
  query: z.strictObject({
    limit: z.coerce
      .number({ error: "must be a whole number from 1 to 100" })
      .int({ error: "must be a whole number from 1 to 100" })
      .min(1, { error: "must be a whole number from 1 to 100" })
      .max(100, { error: "must be a whole number from 1 to 100" })
      .default(20)
      .meta({ type: "integer" }),
  }),
  responses: {
    200: ok("The conversions", z.strictObject({ conversions: z.array(Conversion) })),
    400: err("Bad limit or an unknown query parameter", ["invalid_limit", "unknown_field"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const createConversion = defineRoute({
  method: "POST",
  path: "/api/conversions",
  operationId: "createConversion",
  access: "member",
  tags: ["conversions"],
  summary: "Convert a recording with a model: an uploaded file (JSON) or one sent with the request (multipart)",
  body: ConversionCreateBody,
  bodyType: "json-or-multipart",
  bodyRequired: true,
  errorCodes: createErrorCodes,
  requestBody: audioForm("Convert a recording sent with the request; settings are form fields (strings holding the values)"),
  responses: createResponses([]),
});

export const createCover = defineRoute({
  method: "POST",
  path: "/api/covers",
  operationId: "createCover",
  access: "member",
  tags: ["conversions"],
  summary: "Make a song cover: separate the song's vocals, convert them with a model, mix them back over the accompaniment",
  description:
    "A cover is a conversion with `mode: \"cover\"` (GET /api/conversions/{id}, /audio is the mix at the input's rate and length, " +
    "/stems/vocals|accompaniment the two parts as mixed). Needs the vocal separation model (SEPARATION_MODEL_PATH).",
  body: CoverCreateBody,
  bodyType: "json-or-multipart",
  bodyRequired: true,
  errorCodes: createErrorCodes,
  requestBody: audioForm(
    "Make a cover of a song sent with the request; settings are form fields (strings holding the values)",
    Object.fromEntries(COVER_PARAM_NAMES.map((n) => [n, formParam(COVER_FIELDS[n], COVER_DEFAULTS[n])])),
  ),
  responses: createResponses(
    COVER_PARAM_NAMES,
    err("The vocal separation model file is missing (details.path names it; `npm run assets` fetches it), or the database or queue is down", [
      "separation_model_missing",
      "database_unavailable",
      "queue_unavailable",
    ]),
  ),
});

export const getConversion = defineRoute({
  method: "GET",
  path: "/api/conversions/{id}",
  operationId: "getConversion",
  access: "viewer",
  tags: ["conversions"],
  summary: "One conversion: status, settings, where to fetch input and output",
  params: ConversionParams_,
  responses: { 200: ok("The conversion", Conversion), 404: noConversion, 500: INTERNAL, 503: DB_DOWN },
});

export const deleteConversion = defineRoute({
  method: "DELETE",
  path: "/api/conversions/{id}",
  operationId: "deleteConversion",
  access: "member",
  tags: ["conversions"],
  summary: "Delete a conversion and its files",
  params: ConversionParams_,
  responses: {
    204: noContent("Deleted"),
    404: noConversion,
    409: err("Its job is queued or running; cancel it first", ["conversion_busy"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getConversionAudio = defineRoute({
  method: "GET",
  path: "/api/conversions/{id}/audio",
  operationId: "getConversionAudio",
  access: "viewer",
  tags: ["conversions"],
  summary: "The converted audio: a 16-bit wav at the model's sample rate, or for a cover the mix (float32 wav at the input's rate and length); one byte range supported",
  params: ConversionParams_,
  query: DownloadQuery,
  parameters: [RANGE_HEADER],
  responses: {
    200: { description: "The wav", headers: FILE_HEADERS, content: WAV },
    206: partialContent(WAV),
    400: err("An unknown query parameter or a bad download flag", ["invalid_download", "unknown_field"]),
    404: err("No such conversion, or its output is missing on disk", ["conversion_not_found", "conversion_file_missing"]),
    409: err("Not succeeded (yet): queued, running, failed or cancelled", ["conversion_not_ready"]),
    416: RANGE_NOT_SATISFIABLE,
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getConversionInput = defineRoute({
  method: "GET",
  path: "/api/conversions/{id}/input",
  operationId: "getConversionInput",
  access: "viewer",
  tags: ["conversions"],
  summary: "The original input recording (its own audio content type; one byte range supported)",
  params: ConversionParams_,
  query: DownloadQuery,
  parameters: [RANGE_HEADER],
  responses: {
    200: { description: "The input", headers: FILE_HEADERS, content: ANY_AUDIO },
    206: partialContent(ANY_AUDIO),
    400: err("An unknown query parameter or a bad download flag", ["invalid_download", "unknown_field"]),
    404: err("No such conversion, or its input is missing on disk", ["conversion_not_found", "conversion_file_missing"]),
    416: RANGE_NOT_SATISFIABLE,
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getConversionStem = defineRoute({
  method: "GET",
  path: "/api/conversions/{id}/stems/{stem}",
  operationId: "getConversionStem",
  access: "viewer",
  tags: ["conversions"],
  summary: "A finished cover's stem as mixed: the converted vocals or the accompaniment (wav at the mix's rate; one byte range supported)",
  params: z.strictObject({
    id: PathId.meta({ description: "conversion id" }),
    stem: z.enum(["vocals", "accompaniment"], { error: "must be vocals or accompaniment" }),
  }),
  query: DownloadQuery,
  parameters: [RANGE_HEADER],
  responses: {
    200: { description: "The wav", headers: FILE_HEADERS, content: WAV },
    206: partialContent(WAV),
    400: err("An unknown stem, an unknown query parameter or a bad download flag", ["invalid_stem", "invalid_download", "unknown_field"]),
    404: err("No such conversion, not a cover, the cover has not succeeded (yet), or the stem is missing on disk", ["conversion_not_found", "stem_not_found", "conversion_file_missing"]),
    416: RANGE_NOT_SATISFIABLE,
    500: INTERNAL,
    503: DB_DOWN,
  },
});
