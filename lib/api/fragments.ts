/** OpenAPI fragments for what zod does not describe: streams, files, headers. Pure. */
import type { JsonSchema, ResponseDoc } from "./spec";

export const binary = (mediaType: string, description?: string): JsonSchema => ({
  type: "string",
  contentMediaType: mediaType,
  ...(description ? { description } : {}),
});

export const header = (description: string, schema: JsonSchema = { type: "string" }, required = false) => ({ description, required, schema });

const SSE_DESCRIPTION =
  "Server-sent events. First `retry: 2000` and a `: connected` comment, then one event per job event: `id:` the event id, " +
  "`event:` status | progress | log | metric, `data:` one line of JSON (components.schemas.JobEvent). A `: ping` comment every 15 s " +
  "keeps proxies from closing the stream. Reconnecting with Last-Event-ID (or ?lastEventId=) first replays what was missed.";

export const SSE_RESPONSE: ResponseDoc = {
  description: "The event stream",
  headers: { "Cache-Control": header("`no-cache, no-transform`") },
  content: { "text/event-stream": { schema: { type: "string", description: SSE_DESCRIPTION } } },
};

export const LAST_EVENT_ID_HEADER: JsonSchema = {
  name: "Last-Event-ID",
  in: "header",
  required: false,
  description: "resume after this event id (browsers send it on reconnect): the missed events are replayed first",
  schema: { type: "string", pattern: "^\\d{1,19}$" },
};

export const RANGE_HEADER: JsonSchema = {
  name: "Range",
  in: "header",
  required: false,
  description: "`bytes=start-end`, `bytes=start-` or `bytes=-suffix`; only one range",
  schema: { type: "string" },
};

/** Stored audio in its own format (the type follows the file's extension). */
export const ANY_AUDIO = { "audio/*": { schema: binary("audio/*") }, "application/octet-stream": { schema: binary("application/octet-stream") } };
export const WAV = { "audio/wav": { schema: binary("audio/wav") } };

/** A 206 answer to a `Range` request, with the same content as the whole file's 200. */
export const partialContent = (content: Record<string, unknown>): ResponseDoc => ({
  description: "The requested range",
  headers: { "Content-Range": header("`bytes start-end/size`", { type: "string" }, true), "Accept-Ranges": header("`bytes`") },
  content,
});
export const RANGE_NOT_SATISFIABLE: ResponseDoc = {
  description: "The range lies outside the file",
  headers: { "Content-Range": header("`bytes */size`", { type: "string" }, true) },
};
export const FILE_HEADERS = {
  "Content-Length": header("bytes"),
  "Cache-Control": header("`no-store`"),
  "Content-Disposition": header("with ?download=1: `attachment; filename=\"…\"; filename*=UTF-8''…`"),
};

/** lib/multipart.ts: refusals of a multipart body while it streams in (a 413 uses the route's own code) */
export const FORM_CODES = ["unknown_field", "duplicate_field", "invalid_field", "too_many_parts", "invalid_content_length"] as const;
