/**
 * How a route is declared: one spec object per operation (method + path), the single source for the route
 * wrapper (lib/http.ts `route(spec, handler)`: access, parsing of params/query/body, response types) and for the
 * OpenAPI document (lib/openapi.ts). Pure: no I/O.
 */
import { z } from "zod";
import type { Access } from "../auth/roles";
import { ApiError, badRequest } from "../errors";
import { ErrorBody } from "./common";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
export type JsonSchema = Record<string, unknown>;

/** A documented response: a JSON schema, or a description with a non-JSON content / headers / error codes. */
export interface ResponseDoc {
  description: string;
  /** JSON content */
  schema?: z.ZodType;
  /** error responses: the `error.code`s it carries (documented as an enum) */
  codes?: readonly string[];
  /** non-JSON content, as OpenAPI media type objects (e.g. `{"audio/wav": {schema: {...}}}`) */
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  /** a shared response of components.responses (e.g. "Internal") */
  ref?: string;
}
export type ResponseSpec = z.ZodType | ResponseDoc;

/**
 * `json` (default when `body` is given): an application/json object, parsed with `body`. `multipart` / `binary`:
 * the handler reads the body itself (streamed to disk); `requestBody` documents it. `json-or-multipart`: JSON is
 * parsed with `body`, multipart is left to the handler (`body` is then undefined). `none`: no body is read.
 */
export type BodyType = "json" | "multipart" | "binary" | "json-or-multipart" | "none";

/** API error codes replacing the generic `invalid_<field>` for a field: by zod issue code, or `missing` / `*`. */
export type ErrorCodes = Record<string, Partial<Record<"missing" | "*" | z.core.$ZodIssue["code"], string>>>;

type AnyObject = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

export interface RouteSpec {
  /** the documented operation; a spec without method/path (the JSON 404, the tus endpoint) is documented elsewhere or not at all */
  method?: HttpMethod;
  path?: string;
  operationId?: string;
  access: Access;
  summary: string;
  description?: string;
  tags?: string[];
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodType;
  bodyType?: BodyType;
  /** OpenAPI requestBody for non-JSON bodies (merged with the JSON one for json-or-multipart) */
  requestBody?: { required?: boolean; description?: string; content: Record<string, unknown> };
  /** whether a JSON body must be sent (default: false when every field is optional) */
  bodyRequired?: boolean;
  /** extra OpenAPI parameters (headers) */
  parameters?: JsonSchema[];
  errorCodes?: ErrorCodes;
  responses: Record<number, ResponseSpec>;
}

/** Declare a spec (identity, for inference). */
export const defineRoute = <const S extends RouteSpec>(spec: S): S => spec;

/** An error response with its codes. */
export const err = (description: string, codes?: readonly string[]): ResponseDoc & { schema: typeof ErrorBody } => ({ description, schema: ErrorBody, ...(codes ? { codes } : {}) });
export const noContent = (description: string): ResponseDoc => ({ description });
export const ok = <T extends z.ZodType>(description: string, schema: T, headers?: Record<string, unknown>): ResponseDoc & { schema: T } => ({ description, schema, ...(headers ? { headers } : {}) });
export const INTERNAL: ResponseDoc = { description: "Unexpected server error", ref: "Internal" };
export const DB_DOWN: ResponseDoc = { description: "The database is not reachable", ref: "DatabaseUnavailable" };
export const QUEUE_DOWN = err("The database or the job queue is not reachable", ["database_unavailable", "queue_unavailable"]);
export const BODY_CODES = ["invalid_json", "invalid_body"] as const;

export const isResponseDoc = (r: ResponseSpec): r is ResponseDoc => !(r instanceof z.ZodType);
export const responseSchema = (r: ResponseSpec): z.ZodType | undefined => (isResponseDoc(r) ? r.schema : r);

// ───────────────────────────── zod error → the API's error shape ─────────────────────────────

const WHAT = { params: "path parameter", query: "query parameter", body: "field" } as const;

/** The object shape under optionals, defaults, pipes and refinements (in a union: its first object option). */
function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let s = schema;
  for (let i = 0; i < 8 && s; i++) {
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    if (shape) return shape;
    const def = (s as { def?: { innerType?: unknown; in?: unknown; options?: unknown[] } }).def;
    s = def?.innerType ?? def?.in ?? def?.options?.find((o) => shapeOf(o));
  }
  return undefined;
}

function allowedKeys(schema: z.ZodType | undefined, at: PropertyKey[]): string[] {
  let shape = shapeOf(schema);
  for (const key of at) shape = shapeOf(shape?.[key as string]);
  return shape ? Object.keys(shape) : [];
}

const show = (v: unknown) => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/**
 * The first problem of a failed parse as the API's 400: an unknown field first (`unknown_field`, naming it and
 * the allowed ones), else the first bad field: `invalid_<field>` (or the spec's own code), a message naming the
 * field and stating its rule, `details.field`.
 */
export function requestError(error: z.ZodError, where: keyof typeof WHAT, schema: z.ZodType | undefined, codes: ErrorCodes = {}): ApiError {
  const issues = error.issues;
  const unknown = issues.find((i) => i.code === "unrecognized_keys");
  if (unknown && unknown.code === "unrecognized_keys") {
    const prefix = unknown.path.length ? `${unknown.path.join(".")}.` : "";
    const fields = unknown.keys.map((k) => prefix + k);
    const allowed = allowedKeys(schema, unknown.path);
    const list = allowed.length ? `allowed: ${allowed.join(", ")}` : "this request takes none";
    return badRequest("unknown_field", `Unknown ${WHAT[where]}(s): ${fields.join(", ")}; ${list}`, { fields, field: fields[0], allowed });
  }
  const issue = issues[0]!;
  const custom = issue.code === "custom" ? (issue.params as { code?: string } | undefined)?.code : undefined;
  if (custom) return badRequest(custom, issue.message, issue.path.length ? { field: issue.path.join(".") } : undefined);
  if (issue.path.length === 0) {
    return where === "body" ? badRequest("invalid_body", "The request body must be a JSON object") : badRequest(`invalid_${where}`, issue.message);
  }
  const field = issue.path.join(".");
  const top = String(issue.path[0]);
  const input = (issue as { input?: unknown }).input;
  // null or "" for a field that needs a value reads as "missing", not as a wrong value "null"
  const missing = input === undefined || input === null || input === "";
  const own = codes[top];
  const code = (missing ? own?.missing : undefined) ?? own?.[issue.code] ?? own?.["*"] ?? `invalid_${top}`;
  const rule = issue.message;
  const stated = /^(must|is) /.test(rule) ? `${field} ${rule}` : `${field}: ${rule}`;
  const message = missing ? `${field} is missing: ${rule.replace(/^is required: /, "")}` : `${stated} (got ${show(input)})`;
  return badRequest(code, message, { field, rule });
}

/** Parse one part of a request; a failure is the API's 400. */
export function parsePart<T extends z.ZodType>(schema: T, value: unknown, where: keyof typeof WHAT, codes?: ErrorCodes): z.output<T> {
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) throw requestError(r.error, where, schema, codes);
  return r.data;
}
