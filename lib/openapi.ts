/**
 * The OpenAPI 3.1 description of the whole HTTP API (served at GET /api/openapi.json), assembled from the route
 * specs (lib/api/*): each spec's params, query, body and responses are zod schemas, turned into JSON Schema 2020-12
 * by zod 4's own `z.toJSONSchema` (request parts as their input, responses as their output); a schema with
 * `.meta({ id })` becomes `#/components/schemas/<id>`. The tus endpoint's protocol operations are hand-written
 * (lib/api/uploads.ts). tests/integration/openapi.test.ts validates the document, compares its paths with
 * app/api/**\/route.ts and checks real responses against it.
 */
import { z } from "zod";
import { ErrorBody, JobEvent, ROUTE_SPECS, UploadResult } from "./api";
import { isResponseDoc, type JsonSchema, type ResponseSpec, type RouteSpec } from "./api/spec";
import { TUS_PARAMETERS, TUS_PATHS } from "./api/uploads";
import { TUS_PATH } from "./uploads/tus";
import type { Access } from "./auth/roles";

export type { JsonSchema } from "./api/spec";
type Obj = Record<string, unknown>;

const JSON_TYPE = "application/json";
const COMPONENT = "#/components/schemas/";

// ───────────────────────────── zod → JSON Schema, with shared components ─────────────────────────────

/** Collects the `.meta({ id })` schemas met while converting; an input form that differs from the output one is `<id>Input`. */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
    const defs = (out.$defs ?? {}) as Record<string, JsonSchema>;
    delete out.$defs;
    delete out.$schema;
    const rename = new Map<string, string>();
    for (const [id, def] of Object.entries(defs)) {
      const existing = this.schemas[id];
      if (existing && JSON.stringify(existing) !== JSON.stringify(rewrite(def, new Map()))) rename.set(id, `${id}Input`);
    }
    for (const [id, def] of Object.entries(defs)) this.schemas[rename.get(id) ?? id] ??= rewrite(def, rename);
    return rewrite(out, rename);
  }
}

/** `#/$defs/X` → `#/components/schemas/X` (or its renamed form). */
function rewrite(node: unknown, rename: Map<string, string>): JsonSchema {
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(walk);
    if (n === null || typeof n !== "object") return n;
    return Object.fromEntries(
      Object.entries(n).map(([k, v]) => {
        if (k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) {
          const id = v.slice("#/$defs/".length);
          return [k, COMPONENT + (rename.get(id) ?? id)];
        }
        return [k, walk(v)];
      }),
    );
  };
  return walk(node) as JsonSchema;
}

// ───────────────────────────── operations ─────────────────────────────

function describeCodes(description: string, codes?: readonly string[]): string {
  return codes ? `${description}. Codes: ${codes.map((c) => `\`${c}\``).join(", ")}` : description;
}

/** An error response in the API's one error shape; `codes` (when known) are the only `error.code`s it carries. */
function errorResponse(description: string, codes?: readonly string[]): Obj {
  const ref = { $ref: `${COMPONENT}Error` };
  const schema = codes
    ? { allOf: [ref, { type: "object", properties: { error: { type: "object", properties: { code: { type: "string", enum: [...codes] } } } } }] }
    : ref;
  return { description: describeCodes(description, codes), content: { [JSON_TYPE]: { schema } } };
}

function response(r: ResponseSpec, c: Components): Obj {
  if (!isResponseDoc(r)) return { description: "Success", content: { [JSON_TYPE]: { schema: c.convert(r, "output") } } };
  if (r.ref) return { $ref: `#/components/responses/${r.ref}` };
  if (r.codes) return { ...errorResponse(r.description, r.codes), ...(r.headers ? { headers: r.headers } : {}) };
  const content = { ...(r.schema ? { [JSON_TYPE]: { schema: c.convert(r.schema, "output") } } : {}), ...(r.content ?? {}) };
  return { description: r.description, ...(r.headers ? { headers: r.headers } : {}), ...(Object.keys(content).length ? { content } : {}) };
}

/** The parameters of a zod object (path or query), one per field. */
function parametersOf(schema: z.ZodType | undefined, where: "path" | "query", c: Components): Obj[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  if (!shape) return [];
  return Object.entries(shape).map(([name, field]) => {
    const json = c.convert(field, "input");
    const { description, ...rest } = json as { description?: string };
    return {
      name,
      in: where,
      required: where === "path" || !field.safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function requestBody(spec: RouteSpec, c: Components): Obj | undefined {
  const type = spec.bodyType ?? (spec.body ? "json" : "none");
  const content: Obj = {};
  if (spec.body && (type === "json" || type === "json-or-multipart")) content[JSON_TYPE] = { schema: c.convert(spec.body, "input") };
  Object.assign(content, spec.requestBody?.content ?? {});
  if (Object.keys(content).length === 0) return undefined;
  const required = spec.requestBody?.required ?? spec.bodyRequired ?? false;
  return { required, ...(spec.requestBody?.description ? { description: spec.requestBody.description } : {}), content };
}

function operation(spec: RouteSpec, c: Components): Obj {
  const parameters = [...parametersOf(spec.params, "path", c), ...parametersOf(spec.query, "query", c), ...(spec.parameters ?? [])];
  const body = requestBody(spec, c);
  return {
    operationId: spec.operationId,
    tags: spec.tags,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    "x-required-role": spec.access,
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: Object.fromEntries(Object.entries(spec.responses).map(([status, r]) => [status, response(r, c)])),
  };
}

function buildPaths(c: Components): Record<string, Obj> {
  const paths: Record<string, Obj> = {};
  for (const spec of ROUTE_SPECS) {
    const item = (paths[spec.path] ??= {});
    const method = spec.method.toLowerCase();
    if (item[method]) throw new Error(`two specs for ${spec.method} ${spec.path}`);
    item[method] = operation(spec, c);
  }
  return { ...paths, ...TUS_PATHS };
}

const DESCRIPTION = `Self-hosted RVC voice-model training and conversion. JSON in and out unless noted; times are ISO 8601.

Every error is \`{"error": {"code", "message", "details"?}}\` with the matching status (400 bad input, 404 unknown, 409 conflict or state, 413 too large, 415 unsupported media, 422 semantically invalid, 429 too many at once, 503 a dependency is down or busy; 500 for the unexpected, code \`internal\`). Each error response below lists the codes it can carry where they are fixed. Any JSON body over 1 MiB is refused with 413 \`body_too_large\`.

Uploads use tus 1.0.0 at ${TUS_PATH}. Live progress is server-sent events (text/event-stream).

Authentication: every route needs a session (the HttpOnly \`vs_session\` cookie from POST /api/auth/login) or \`Authorization: Bearer vs_…\` (a personal API token), except those whose \`x-required-role\` is \`public\`. Each operation's \`x-required-role\` is the least role it needs (viewer < member < admin; a read-only token acts as a viewer and never writes): 401 \`unauthenticated\`/\`invalid_token\` without valid credentials, 403 \`forbidden\` for a lower role. Deleting, renaming or changing an experiment, removing, excluding or separating a file, deleting a model or conversion, cancelling a job and answering a listening test are for its creator (a file or job also for its experiment's creator; rows without a creator for anyone) and admins, else 403 \`not_owner\` naming the owner. Writes with the cookie must come from this site's pages (Origin or Sec-Fetch-Site), else 403 \`cross_site\`; JSON bodies must be \`application/json\` (else 415).

A POST that creates something or starts work accepts \`Idempotency-Key\` (1–255 printable ASCII characters, per user; not tus, /api/auth/*, /api/tokens, /api/users): the same key with the same request within 24 h answers the first response again with \`idempotent-replayed: true\`; another request under that key is 422 \`idempotency_key_reused\`, one sent while the first still runs 409 \`idempotency_in_progress\`, a malformed key 400 \`invalid_idempotency_key\`.`;

const unauthenticatedResponse = errorResponse("No valid session or token", ["unauthenticated", "invalid_token"]);
const forbiddenResponse = (write: boolean) =>
  errorResponse(write ? "The role is too low, the token read-only, or a cross-site request" : "The role is too low", write ? ["forbidden", "cross_site"] : ["forbidden"]);
const unsupportedResponse = errorResponse("The body is not application/json", ["unsupported_media_type"]);
/** Operations that delete or change a row with a creator: members only their own (lib/auth/ownership.ts). */
const OWNER_CHECKED = new Set([
  "patch /api/experiments/{name}",
  "delete /api/experiments/{name}",
  "delete /api/experiments/{name}/files/{id}",
  "post /api/jobs/{id}/cancel",
  "delete /api/models/{id}",
  "delete /api/conversions/{id}",
  "post /api/experiments/{name}/listening-tests/{id}/answer",
  "patch /api/experiments/{name}/files/{id}",
  "patch /api/experiments/{name}/files/{id}/slices/{index}",
  "post /api/experiments/{name}/files/{id}/separate",
  "post /api/experiments/{name}/separate",
]);
const notOwnerResponse = errorResponse("The role is too low, the token read-only, a cross-site request, or it belongs to another user (members change only what they created; admins anything)", [
  "forbidden",
  "cross_site",
  "not_owner",
]);

/** The least role of an operation: declared with `x-required-role`, else reads viewer, writes member; uploads member. */
export function requiredRole(path: string, method: string, op: Obj): Access {
  const declared = op["x-required-role"] as Access | undefined;
  if (declared) return declared;
  if (path === "/api/system/selftest") return "admin";
  if (path.startsWith(TUS_PATH)) return "member";
  return method === "get" || method === "head" ? "viewer" : "member";
}

/** Every operation gets its role, its security (none for public ones) and the gate's 401/403 (and 415 for JSON bodies). */
function withAccess(all: Record<string, Obj>): Record<string, Obj> {
  const out: Record<string, Obj> = {};
  for (const [path, item] of Object.entries(all)) {
    const next: Obj = { ...item };
    for (const method of ["get", "head", "post", "put", "patch", "delete", "options"]) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const role = requiredRole(path, method, op);
      const write = !["get", "head", "options"].includes(method);
      const responses = { ...(op.responses as Obj) };
      if (role !== "public") {
        responses["401"] ??= unauthenticatedResponse;
        responses["403"] ??= OWNER_CHECKED.has(`${method} ${path}`) ? notOwnerResponse : forbiddenResponse(write);
      }
      const body = op.requestBody as { content?: Obj } | undefined;
      if (body?.content?.[JSON_TYPE]) responses["415"] ??= unsupportedResponse;
      next[method] = { ...op, "x-required-role": role, ...(role === "public" ? { security: [] } : {}), responses };
    }
    out[path] = next;
  }
  return out;
}

/** The whole document (a fresh object each call). */
export function openApiDocument(): Obj {
  // the specs do not change while the process runs: build once (~0.1 s), hand out copies
  built ??= buildDocument();
  return structuredClone(built);
}
let built: Obj | undefined;

function buildDocument(): Obj {
  const components = new Components();
  const paths = withAccess(buildPaths(components));
  // schemas that hand-written parts refer to: the error shape (shared responses), the tus answer, the SSE data
  for (const schema of [ErrorBody, UploadResult, JobEvent]) components.convert(schema, "output");
  return structuredClone({
    openapi: "3.1.1",
    info: {
      title: "Voice Studio API",
      version: "0.1.0",
      description: DESCRIPTION,
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    tags: [
      { name: "experiments", description: "Experiments: settings, uploaded files, training stages" },
      { name: "dataset", description: "The dataset doctor: each file's and slice's measurements and flags, include/exclude, waveform, cleaning preview" },
      { name: "uploads", description: "tus 1.0.0 uploads and the files they become" },
      { name: "jobs", description: "Queued work, its progress and logs" },
      { name: "models", description: "Finished and imported voice models, custom pretrained weights" },
      { name: "conversions", description: "Voice conversion with a model" },
      { name: "system", description: "Health, self-test, this document" },
      { name: "auth", description: "Accounts, sessions, API tokens, activity" },
      { name: "webhooks", description: "Signed event notifications to your URLs, with a delivery log" },
    ],
    paths,
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    components: {
      schemas: components.schemas,
      parameters: TUS_PARAMETERS,
      responses: {
        Internal: errorResponse("Unexpected server error: a generic message and `requestId`; the details are only in the server log", ["internal"]),
        DiskFull: errorResponse("A disk is full (ENOSPC/EDQUOT, or Postgres could not extend a file): `details.disk` names it (DATA_ROOT, UPLOADS_DIR, EXPERIMENTS_DIR, MODELS_ROOT or database)", ["disk_full"]),
        DatabaseUnavailable: errorResponse("The database is not reachable", ["database_unavailable"]),
      },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "A personal API token `vs_…` (POST /api/tokens)" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "vs_session", description: "Set by POST /api/auth/login or /api/auth/setup" },

      },
    },
  });
}
