/** Helpers for route handlers: JSON bodies, JSON responses (BigInt-safe), one error shape. */
import { isConnectionError } from "./db-outage";
import { asDiskFull } from "./disk";
import { ApiError, badRequest, databaseUnavailableBody, internalError } from "./errors";
import { recordActivity } from "./auth/activity";
import { runAs } from "./auth/context";
import { checkSameOrigin, requireAccess, resolveCaller, SAFE_METHODS, type Caller } from "./auth/gate";
import { hostAllowed } from "./auth/headers";
import { REPLAYED_HEADER, withIdempotency } from "./idempotency";
import { config } from "./config";
import type { Access } from "./auth/roles";
import { parsePart, type RouteSpec } from "./api/spec";
import type { z } from "zod";

export type { Caller } from "./auth/gate";

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
  if (isConnectionError(err)) return json(databaseUnavailableBody(), 503);
  const e = internalError(err, "api");
  return json(e.body, e.status, { "x-request-id": e.requestId });
}

/** Largest JSON request body, bytes: every JSON body of the API is a small object. */
export const MAX_JSON_BYTES = 1024 * 1024;

// the rest of the body is left unread, so the connection closes after the answer
const jsonTooLarge = () =>
  new ApiError(413, "body_too_large", `The JSON body is larger than ${MAX_JSON_BYTES} bytes`, { limit: MAX_JSON_BYTES }, { connection: "close" });

/** The body as text, refused (413) past `max` bytes: at once by Content-Length, else while reading. */
export async function readText(req: Request, max: number): Promise<string> {
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
  // only JSON: a cross-site form or no-cors fetch can send text/plain or form types, never application/json
  const type = req.headers.get("content-type");
  if (type !== null && req.body !== null && !isJsonType(type)) throw unsupportedType(type);
  const text = await readText(req, MAX_JSON_BYTES);
  if (text.trim() === "") return {};
  if (type === null) throw unsupportedType(null);
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

function isJsonType(type: string): boolean {
  return /^application\/json\s*(;|$)/i.test(type.trim());
}

const unsupportedType = (type: string | null) =>
  new ApiError(415, "unsupported_media_type", `Send the body as application/json (got ${type === null ? "no content type" : JSON.stringify(type.slice(0, 80))})`);

/** The activity a successful write records instead of the generic one (or `false`: none, e.g. tus chunks). */
export interface ActivityNote {
  action: string;
  target: { type: string; id?: string | null; name?: string | null };
  details?: Record<string, unknown>;
}

/** What a handler learns about its caller; `null` only on public routes. */
export type Auth<A extends Access> = (A extends "public" ? Caller | null : Caller) & {};

/** Pure: the generic activity of a write, from its method and path (`DELETE /api/models/ab12` → models ab12). */
export function genericActivity(method: string, pathname: string): ActivityNote {
  const parts = pathname.replace(/^\/api\/?/, "").split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const [type = "api", id] = parts;
  return { action: `${method} ${pathname}`.slice(0, 200), target: { type, ...(id ? { name: id } : {}) } };
}

// ───────────────────────────── typed handlers ─────────────────────────────

/** What JSON makes of a value: a Date where a string is expected, a bigint where a number is (both serialise so). */
export type Wire<T> = unknown extends T
  ? T
  : T extends string
    ? T | Date | string
    : T extends number
      ? number | bigint
      : T extends readonly (infer U)[]
        ? readonly Wire<U>[]
        : T extends object
          ? { [K in keyof T]: Wire<T[K]> }
          : T;

type Parsed<T> = T extends z.ZodType ? z.output<T> : Record<string, never>;
type JsonResponses<S extends RouteSpec> = {
  [K in keyof S["responses"]]: S["responses"][K] extends z.ZodType ? S["responses"][K] : S["responses"][K] extends { schema: z.ZodType } ? S["responses"][K]["schema"] : never;
};
type JsonStatus<S extends RouteSpec> = { [K in keyof JsonResponses<S>]: JsonResponses<S>[K] extends never ? never : K }[keyof S["responses"]];

/** What `route(spec, handler)` hands the handler: the request, its parsed parts, the caller. */
export interface RouteContext<S extends RouteSpec> {
  req: Request;
  params: Parsed<S["params"]>;
  query: Parsed<S["query"]>;
  /** the parsed JSON body (undefined for a json-or-multipart request sent as multipart, and for other body types) */
  body: S["bodyType"] extends "json-or-multipart" ? Parsed<S["body"]> | undefined : S["body"] extends z.ZodType ? z.output<S["body"]> : undefined;
  caller: Auth<S["access"]>;
  /** the activity a successful write records instead of the generic one (or `false`: none) */
  note: (activity: ActivityNote | false) => void;
  /** a JSON answer, typed by the spec's schema for that status */
  reply: <K extends JsonStatus<S> & number>(status: K, data: Wire<z.output<JsonResponses<S>[K]>>, headers?: Record<string, string>) => Response;
}

/** A route handler as Next calls it, carrying its spec (for the OpenAPI test and the unknown-field test). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Next passes each route its own params type
export type RouteHandler<S extends RouteSpec = RouteSpec> = ((req: Request, ctx?: { params: Promise<any> }) => Promise<Response>) & { spec: S };

function isJsonRequest(req: Request): boolean {
  return !(req.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

/** Parse params, query and body as the spec declares them (a failure is the API's 400). */
async function parseRequest(spec: RouteSpec, req: Request, ctx: { params?: Promise<unknown> } | undefined) {
  const params = spec.params ? parsePart(spec.params, (await ctx?.params) ?? {}, "params", spec.errorCodes) : {};
  const query = spec.query ? parsePart(spec.query, Object.fromEntries(new URL(req.url).searchParams), "query", spec.errorCodes) : {};
  const type = spec.bodyType ?? (spec.body ? "json" : "none");
  let body: unknown;
  if (spec.body && (type === "json" || (type === "json-or-multipart" && isJsonRequest(req)))) {
    body = parsePart(spec.body, await readJsonObject(req), "body", spec.errorCodes);
  }
  return { params, query, body };
}

/**
 * The one gate every API route goes through, declared with its spec (lib/api/*): `access` is mandatory: "public",
 * or the least role the route needs ("viewer" < "member" < "admin"). It refuses a Host outside ALLOWED_HOSTS (421),
 * resolves the caller (bearer token or session cookie: 401 without, 403 for a lower role), refuses cross-site writes
 * that are not bearer-authenticated (403 `cross_site`), parses params, query and a JSON body with the spec's zod
 * schemas (400 in the API's error shape: `unknown_field`, `invalid_<field>`…), runs the handler as that user
 * (lib/auth/context.ts), records an Activity row for every successful write, and turns every thrown error into the
 * API's error shape. The returned handler carries the spec (`.spec`).
 */
export function route<const S extends RouteSpec>(spec: S, handler: (ctx: RouteContext<S>) => Promise<Response>): RouteHandler<S> {
  const access = spec.access;
  const gated = async (req: Request, ctx?: { params?: Promise<unknown> }) => {
    try {
      // DNS rebinding: the API answers only the allowed Host names (a request without Host is no browser's)
      const host = req.headers.get("host");
      if (host !== null && !hostAllowed(host, config().allowedHosts)) {
        throw new ApiError(421, "host_not_allowed", `This server does not answer for host ${JSON.stringify(host.slice(0, 100))}; add it to ALLOWED_HOSTS`);
      }
      checkSameOrigin(req);
      let caller: Caller | null;
      if (access === "public") caller = await resolveCaller(req).catch(() => null);
      else caller = await resolveCaller(req);
      requireAccess(caller, access);
      // a read-only token never writes, whatever the route's role (it could otherwise mint a write token)
      if (access !== "public" && caller?.scope === "read" && !SAFE_METHODS.has(req.method)) {
        throw new ApiError(403, "forbidden", "This API token is read-only", { required: "write token", role: caller.role });
      }
      let note: ActivityNote | false | undefined;
      const setNote = (a: ActivityNote | false) => {
        note = a;
      };
      const res = await runAs(
        caller?.user.id ?? null,
        () =>
          // a POST with Idempotency-Key: the first answer again for the same request (lib/idempotency.ts)
          withIdempotency(req, caller?.user.id ?? null, async (r) => {
            const parsed = await parseRequest(spec, r, ctx);
            const reply = (status: number, data: unknown, headers: Record<string, string> = {}) => json(data, status, headers);
            return handler({ req: r, ...parsed, caller: caller as Auth<S["access"]>, note: setNote, reply } as unknown as RouteContext<S>);
          }),
        caller?.role,
      );
      // a replayed answer (Idempotency-Key) changed nothing: the first request's activity is the record
      const replayed = res.headers.get(REPLAYED_HEADER) === "true";
      if (!SAFE_METHODS.has(req.method) && res.status < 400 && !replayed && note !== false && (caller || note)) {
        const a = note ?? genericActivity(req.method, new URL(req.url).pathname);
        await recordActivity(caller?.user.id ?? null, a.action, a.target, a.details).catch((err) => console.error("[api] activity not recorded:", err));
      }
      return res;
    } catch (err) {
      return errorResponse(err);
    }
  };
  return Object.assign(gated, { spec }) as RouteHandler<S>;
}
