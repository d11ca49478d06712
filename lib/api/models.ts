/** Specs of the model routes (app/api/models/**, app/api/pretrained). */
import { z } from "zod";
import { DOWNLOADS, ExperimentName, Model, ModelImportResult, PathId, PretrainedFile, PretrainedFileName, oneOf } from "./common";
import { binary, FORM_CODES, header } from "./fragments";
import { DB_DOWN, defineRoute, err, INTERNAL, noContent, ok } from "./spec";

const ModelParams = z.strictObject({ id: PathId.meta({ description: "model id" }) });
const noModel = err("No such model", ["model_not_found"]);

export const listModels = defineRoute({
  method: "GET",
  path: "/api/models",
  operationId: "listModels",
  access: "viewer",
  tags: ["models"],
  summary: "Finished models, newest first",
  responses: { 200: ok("The models", z.strictObject({ models: z.array(Model) })), 500: INTERNAL, 503: DB_DOWN },
});

export const getModel = defineRoute({
  method: "GET",
  path: "/api/models/{id}",
  operationId: "getModel",
  access: "viewer",
  tags: ["models"],
  summary: "One model",
  params: ModelParams,
  responses: { 200: ok("The model", Model), 404: noModel, 500: INTERNAL, 503: DB_DOWN },
});

export const deleteModel = defineRoute({
  method: "DELETE",
  path: "/api/models/{id}",
  operationId: "deleteModel",
  access: "member",
  tags: ["models"],
  summary: "Delete the model's files and row",
  params: ModelParams,
  responses: {
    204: noContent("Deleted"),
    404: noModel,
    409: err("A conversion with it is queued or running", ["model_busy"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const downloadModel = defineRoute({
  method: "GET",
  path: "/api/models/{id}/download",
  operationId: "downloadModel",
  access: "viewer",
  tags: ["models"],
  summary: "A model file as an attachment; zip: {name}/ with the .pth, .index, .onnx and model.json",
  params: ModelParams,
  query: z.strictObject({ file: oneOf(DOWNLOADS).default("pth") }),
  responses: {
    200: {
      description: "The file",
      headers: { "Content-Disposition": header('`attachment; filename="…"`', { type: "string" }, true), "Content-Length": header("bytes (not for zip)") },
      content: { "application/octet-stream": { schema: binary("application/octet-stream") }, "application/zip": { schema: binary("application/zip") } },
    },
    400: err("Unknown file kind or query parameter", ["invalid_file", "unknown_field"]),
    404: err("No such model, or it has no such file", ["model_not_found", "model_file_missing"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const importModel = defineRoute({
  method: "POST",
  path: "/api/models/import",
  operationId: "importModel",
  access: "member",
  tags: ["models"],
  summary: "Import an RVC model (.pth small model, optional .index); an export job then adds the ONNX file",
  bodyType: "multipart",
  requestBody: {
    required: true,
    content: {
      "multipart/form-data": {
        schema: {
          type: "object",
          properties: {
            pth: binary("application/octet-stream", "the RVC small model (.pth)"),
            index: binary("application/octet-stream", "its FAISS index (.index)"),
            name: { $ref: "#/components/schemas/ExperimentName", description: "the model's name (default: from the .pth file name)" },
          },
          required: ["pth"],
        },
      },
    },
  },
  responses: {
    201: ok("Imported", ModelImportResult),
    400: err("A malformed form, no pth file, an unknown or repeated field, or a bad name", ["invalid_form", "missing_file", "invalid_name", ...FORM_CODES]),
    409: err("A model with that name exists", ["model_exists"]),
    413: err("A file (or the declared body) larger than MAX_UPLOAD_BYTES; refused while streaming", ["upload_too_large"]),
    415: err("Not multipart/form-data, or not a .pth / .index file name", ["invalid_form", "unsupported_type"]),
    422: err("Empty, not an RVC model (checked by the trainer), or not a FAISS index", ["empty_file", "not_an_rvc_model", "not_a_faiss_index"]),
    500: INTERNAL,
    503: err("MAX_PYTHON_HELPERS model checks are already running (Retry-After), or the database or queue is down", ["busy", "database_unavailable", "queue_unavailable"]),
  },
});

export const listPretrained = defineRoute({
  method: "GET",
  path: "/api/pretrained",
  operationId: "listPretrained",
  access: "viewer",
  tags: ["models"],
  summary: "Custom pretrained weights in DATA_ROOT/pretrained/",
  responses: { 200: ok("The files", z.strictObject({ files: z.array(PretrainedFile) })), 500: INTERNAL },
});

export const uploadPretrained = defineRoute({
  method: "POST",
  path: "/api/pretrained",
  operationId: "uploadPretrained",
  access: "member",
  tags: ["models"],
  summary: "Store custom pretrained G and D weights (both or nothing), to pass as the train request's `pretrained`",
  bodyType: "multipart",
  requestBody: {
    required: true,
    content: {
      "multipart/form-data": {
        schema: {
          type: "object",
          properties: { g: binary("application/octet-stream", "generator weights (.pth)"), d: binary("application/octet-stream", "discriminator weights (.pth)") },
          required: ["g", "d"],
        },
      },
    },
  },
  responses: {
    201: ok("Stored; pass these names as `pretrained: {g, d}`", z.strictObject({ pretrained: z.strictObject({ g: PretrainedFileName, d: PretrainedFileName }) })),
    400: err("A malformed form, a file missing, or an unknown or repeated field", ["invalid_form", "missing_file", ...FORM_CODES]),
    413: err("A file (or the declared body) larger than MAX_UPLOAD_BYTES; refused while streaming", ["upload_too_large"]),
    415: err("Not multipart/form-data, or not a .pth file name", ["invalid_form", "unsupported_type"]),
    422: err("Empty or not a PyTorch checkpoint", ["empty_file", "not_a_checkpoint"]),
    500: INTERNAL,
  },
});

export type { ExperimentName };
