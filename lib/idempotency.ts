/**
 * Idempotent POSTs (api.md "Idempotency-Key"): a client that sends `Idempotency-Key: <key>` with a POST may resend
 * it (a lost answer, a retry after a timeout) and gets the first answer back instead of a second row.
 *
 * The gate (lib/http.ts#route) hands every request to `withIdempotency`. For a POST with the header on a covered
 * path it:
 *   1. reserves the key for the caller (an `IdempotencyKey` row in state `in_progress`, unique per user and key);
 *   2. runs the handler;
 *   3. stores a JSON answer below 500 (status, content-type, location, body) for IDEMPOTENCY_TTL_HOURS, or drops the
 *      reservation on a 5xx, a non-JSON (streamed) answer or an unexpected throw, so that the client can retry.
 * The same key again with the same request → the stored answer with `idempotent-replayed: true`; with another
 * request → 422 `idempotency_key_reused`; while the first is still running → 409 `idempotency_in_progress`.
 *
 * What "the same request" means is a sha256 over method, path and body. JSON bodies are small (≤ MAX_JSON_BYTES):
 * they are read once here and the handler gets a copy of the same text. Multipart bodies (audio, zips, models) are
 * never held in memory: the key is reserved only after lib/multipart.ts has streamed every file to disk, hashing it
 * on the way — the hash then covers the text fields and each file's field, name, size and sha256
 * (`claimMultipart`, called by readMultipart). Expired rows are deleted whenever a key is reserved.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { db } from "./db";
import { ApiError, badRequest } from "./errors";
import { errorResponse, MAX_JSON_BYTES, readText } from "./http";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "idempotent-replayed";
/** how long an answer is remembered */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** a reservation older than this whose request never finished (the server died) may be taken over */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;
const STORED_HEADERS = ["content-type", "location"] as const;

/**
 * POST paths the header does not apply to (it is ignored there): tus has its own resumable protocol; the auth
 * routes, tokens and users carry passwords or one-time secrets that must not be kept in the answer store.
 */
export const IDEMPOTENCY_EXCLUDED = [/^\/api\/uploads(\/|$)/, /^\/api\/auth\//, /^\/api\/tokens(\/|$)/, /^\/api\/users(\/|$)/];

/** Pure: does an Idempotency-Key on this request count? */
export function idempotencyApplies(method: string, pathname: string): boolean {
  return method === "POST" && !IDEMPOTENCY_EXCLUDED.some((re) => re.test(pathname));
}

/** Pure: 1–255 printable ASCII characters, else a 400. */
export function checkIdempotencyKey(key: string): string {
  if (!/^[\x20-\x7e]{1,255}$/.test(key)) {
    throw badRequest("invalid_idempotency_key", "Idempotency-Key must be 1 to 255 printable ASCII characters", { header: "Idempotency-Key" });
  }
  return key;
}

/** Pure: the request hash of a JSON (or empty) body. */
export function hashTextRequest(method: string, pathname: string, text: string): string {
  return createHash("sha256").update(`${method}\n${pathname}\ntext\n`).update(text).digest("hex");
}

/** A file of a multipart request, as lib/multipart.ts staged it. */
export interface HashedPart {
  field: string;
  name: string;
  bytes: number;
  sha256: string;
}

/** Pure: the request hash of a multipart body from its text fields and its files' digests (order-independent for fields). */
export function hashFormRequest(method: string, pathname: string, fields: Record<string, string>, files: HashedPart[]): string {
  const canonical = JSON.stringify({
    fields: Object.keys(fields).sort().map((k) => [k, fields[k]]),
    files: files.map((f) => [f.field, f.name, f.bytes, f.sha256]),
  });
  return createHash("sha256").update(`${method}\n${pathname}\nmultipart\n`).update(canonical).digest("hex");
}

/** Thrown (and caught by withIdempotency) when the stored answer is to be sent instead of running the handler. */
class Replay {
  constructor(readonly response: Response) {}
}

interface Pending {
  userId: string;
  key: string;
  method: string;
  path: string;
  /** the reserved row, once claimed */
  rowId?: string;
}

const g = globalThis as unknown as { __voiceStudioIdempotency?: AsyncLocalStorage<Pending> };
const store = (g.__voiceStudioIdempotency ??= new AsyncLocalStorage());

/**
 * Run `handler` under the Idempotency-Key rules (see the file comment). Requests without the header, other methods,
 * excluded paths and anonymous callers go straight to the handler.
 */
export async function withIdempotency(req: Request, userId: string | null, handler: (req: Request) => Promise<Response>): Promise<Response> {
  const header = req.headers.get(IDEMPOTENCY_HEADER);
  const pathname = new URL(req.url).pathname;
  if (header === null || userId === null || !idempotencyApplies(req.method, pathname)) return handler(req);
  const pending: Pending = { userId, key: checkIdempotencyKey(header), method: req.method, path: pathname };

  let forward = req;
  if (!/^multipart\/form-data/i.test(req.headers.get("content-type") ?? "")) {
    const text = await readText(req, MAX_JSON_BYTES);
    const replay = await claim(pending, hashTextRequest(req.method, pathname, text));
    if (replay) return replay;
    const headers = new Headers(req.headers);
    headers.delete("content-length");
    forward = new Request(req.url, { method: req.method, headers, body: text === "" ? null : text, signal: req.signal });
  }

  let res: Response;
  try {
    res = await store.run(pending, () => handler(forward));
  } catch (err) {
    if (err instanceof Replay) return err.response;
    if (!pending.rowId) throw err;
    // an error answer below 500 is an answer like any other; anything else frees the key for a retry
    res = await errorResponse(err);
  }
  if (!pending.rowId) return res; // a multipart request refused before its body was complete: nothing reserved
  return finish(pending.rowId, res);
}

/**
 * For lib/multipart.ts: the body has been read and staged; reserve the key under the form's hash. Throws the stored
 * answer (caught by withIdempotency) on a replay, an ApiError on a reused or busy key; no-op outside an idempotent request.
 */
export async function claimMultipart(fields: Record<string, string>, files: HashedPart[]): Promise<void> {
  const pending = store.getStore();
  if (!pending || pending.rowId) return;
  const replay = await claim(pending, hashFormRequest(pending.method, pending.path, fields, files));
  if (replay) throw new Replay(replay);
}

/** Reserve the key (→ undefined: go on) or answer from the stored row (→ the replayed Response); throws 409/422. */
async function claim(p: Pending, requestHash: string): Promise<Response | undefined> {
  const prisma = db();
  const now = new Date();
  await prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: now } } });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const row = await prisma.idempotencyKey.create({
        data: {
          userId: p.userId,
          key: p.key,
          method: p.method,
          path: p.path,
          requestHash,
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_HOURS * 3600_000),
        },
        select: { id: true },
      });
      p.rowId = row.id;
      return undefined;
    } catch (err) {
      if ((err as { code?: string }).code !== "P2002") throw err;
    }
    const row = await prisma.idempotencyKey.findUnique({ where: { userId_key: { userId: p.userId, key: p.key } } });
    if (!row) continue; // finished with a 5xx and released meanwhile: try to reserve again
    if (row.requestHash !== requestHash) {
      throw new ApiError(422, "idempotency_key_reused", `This Idempotency-Key was already used for a different request (${row.method} ${row.path}); use a new key for a new request`, {
        header: "Idempotency-Key",
      });
    }
    if (row.state === "done" && row.responseStatus !== null) {
      const headers = new Headers({ ...(row.responseHeaders as Record<string, string> | null), [REPLAYED_HEADER]: "true" });
      return new Response(row.responseBody ?? "", { status: row.responseStatus, headers });
    }
    if (now.getTime() - row.createdAt.getTime() < ABANDONED_AFTER_MS) {
      throw new ApiError(409, "idempotency_in_progress", "A request with this Idempotency-Key is still being processed; retry when it has finished", {
        header: "Idempotency-Key",
      });
    }
    await prisma.idempotencyKey.deleteMany({ where: { id: row.id, state: "in_progress" } });
  }
  throw new ApiError(409, "idempotency_in_progress", "A request with this Idempotency-Key is still being processed; retry when it has finished");
}

/** Store a JSON answer below 500 and return it; otherwise free the key. */
async function finish(rowId: string, res: Response): Promise<Response> {
  const prisma = db();
  const type = res.headers.get("content-type") ?? "";
  if (res.status >= 500 || !/^application\/json/i.test(type)) {
    await prisma.idempotencyKey.delete({ where: { id: rowId } }).catch(() => undefined);
    return res;
  }
  const body = await res.text();
  const headers: Record<string, string> = {};
  for (const h of STORED_HEADERS) {
    const v = res.headers.get(h);
    if (v !== null) headers[h] = v;
  }
  await prisma.idempotencyKey.update({ where: { id: rowId }, data: { state: "done", responseStatus: res.status, responseHeaders: headers, responseBody: body } });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
