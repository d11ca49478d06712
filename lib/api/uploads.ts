/**
 * The tus 1.0.0 endpoint (app/api/uploads/[[...path]]): one handler for every method, so its spec only declares
 * access and that the body is binary; the protocol's operations are documented here by hand as OpenAPI path items
 * (headers carry the protocol, which zod does not describe). Pure.
 */
import { ACCEPTED_EXTENSIONS_TEXT } from "../audio/formats";
import { TUS_PATH } from "../uploads/tus";
import { binary, header as h } from "./fragments";
import { defineRoute } from "./spec";

type Obj = Record<string, unknown>;
const JSON_TYPE = "application/json";
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const p = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const internal = { $ref: "#/components/responses/Internal" };
const tusResumableHeader = h("protocol version, `1.0.0`", { type: "string", const: "1.0.0" }, true);

function error(description: string, codes: readonly string[]): Obj {
  return {
    description: `${description}. Codes: ${codes.map((c) => `\`${c}\``).join(", ")}`,
    content: {
      [JSON_TYPE]: {
        schema: { allOf: [ref("Error"), { type: "object", properties: { error: { type: "object", properties: { code: { type: "string", enum: [...codes] } } } } }] },
      },
    },
  };
}

/** components.parameters the tus path items refer to */
export const TUS_PARAMETERS: Record<string, Obj> = {
  UploadId: { name: "id", in: "path", required: true, description: "tus upload id (from the Location of the create answer)", schema: { type: "string", minLength: 1 } },
  TusResumable: { name: "Tus-Resumable", in: "header", required: true, description: "protocol version", schema: { type: "string", const: "1.0.0" } },
};

/** Every method of the tus endpoint: members only; the body is tus's (application/offset+octet-stream), never parsed here. */
export const tusEndpoint = defineRoute({
  access: "member",
  summary: "tus 1.0.0 uploads",
  bodyType: "binary",
  responses: {},
});

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

/** The tus endpoint's operations (TUS_PATH and TUS_PATH/{id}). */
export const TUS_PATHS: Record<string, Obj> = {
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

