/** Helpers for route handlers: JSON bodies, JSON responses (BigInt-safe), one error shape. */
import { asDiskFull } from "./disk";
import { ApiError, badRequest, databaseUnavailableBody, internalError, isDatabaseDown } from "./errors";

function replacer(_key: string, value: unknown) {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data, replacer), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * Any thrown error → the API's error shape. ApiErrors as they are; a full disk (ENOSPC/EDQUOT, Postgres 53100)
 * → 507 disk_full; Postgres unreachable → 503; anything else → 500 with a request id and a generic message (the
 * details go to the log under that id, never to the client).
 */
export async function errorResponse(err: unknown): Promise<Response> {
  if (err instanceof ApiError) return json(err.toBody(), err.status, err.headers);
  const full = await asDiskFull(err, ["UPLOADS_DIR", "EXPERIMENTS_DIR", "MODELS_ROOT", "DATA_ROOT"]).catch(() => undefined);
  if (full) {
    console.error(`[api] disk full: ${full.message}`, err);
    return json(full.toBody(), full.status);
  }
  if (isDatabaseDown(err)) return json(databaseUnavailableBody(), 503);
  const e = internalError(err, "api");
  return json(e.body, e.status, { "x-request-id": e.requestId });
}

/** Largest JSON request body, bytes: every JSON body of the API is a small object. */
export const MAX_JSON_BYTES = 1024 * 1024;

// the rest of the body is left unread, so the connection closes after the answer
const jsonTooLarge = () =>
  new ApiError(413, "body_too_large", `The JSON body is larger than ${MAX_JSON_BYTES} bytes`, { limit: MAX_JSON_BYTES }, { connection: "close" });

/** The body as text, refused (413) past `max` bytes: at once by Content-Length, else while reading. */
async function readText(req: Request, max: number): Promise<string> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw jsonTooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) throw jsonTooLarge();
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Read a JSON object body (at most MAX_JSON_BYTES); malformed JSON or a non-object is a 400 with a clear message. */
export async function readJsonObject(req: Request): Promise<Record<string, unknown>> {
  const text = await readText(req, MAX_JSON_BYTES);
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw badRequest("invalid_json", `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw badRequest("invalid_body", "The request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

type Handler<C> = (req: Request, ctx: C) => Promise<Response>;

/** Wrap a route handler so every thrown error becomes the API's error shape. */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
