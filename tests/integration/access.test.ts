/**
 * The gate, from the route list: every route file under app/api × every method it exports is called with no
 * credentials, a viewer, a read-only token, a member and an admin. What each must answer comes from the role the
 * OpenAPI document declares for it (x-required-role), so a new route without a role, or whose handler is not
 * wrapped by route(spec, …), fails here.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { openApiDocument, requiredRole } from "../../lib/openapi";
import { createUser } from "../../lib/auth/users";
import { createToken } from "../../lib/auth/api-tokens";
import type { Access } from "../../lib/auth/roles";
import { isOtherMethodsHandler } from "../../lib/http-methods";

const ROOT = path.resolve(import.meta.dirname, "../..");
const API_DIR = path.join(ROOT, "app", "api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
const NO_UUID = "00000000-0000-4000-8000-000000000000";
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** The fallback for paths no route serves (app/api/[...path]: 404 for everyone) is no route of the API: tested below. */
const UNKNOWN_ROUTES = path.join(API_DIR, "[...path]");

function routeFiles(dir = API_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (full === UNKNOWN_ROUTES) return [];
    return e.isDirectory() ? routeFiles(full) : e.name === "route.ts" ? [full] : [];
  });
}

/** app/api/x/[id]/route.ts → the document path /api/x/{id} and params that name nothing that exists */
function describeRoute(file: string) {
  const segs = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  const params: Record<string, string | string[]> = {};
  const docSegs: string[] = [];
  const urlSegs: string[] = [];
  for (const s of segs) {
    const catchAll = /^\[\[\.\.\.(\w+)\]\]$/.exec(s);
    const one = /^\[(\w+)\]$/.exec(s);
    if (catchAll) params[catchAll[1]!] = [];
    else if (one) {
      const v = one[1] === "name" ? "no-such-experiment" : NO_UUID;
      params[one[1]!] = v;
      docSegs.push(`{${one[1]}}`);
      urlSegs.push(v);
    } else {
      docSegs.push(s);
      urlSegs.push(s);
    }
  }
  return { docPath: "/" + docSegs.join("/"), url: "http://test.local/" + urlSegs.join("/"), params };
}

interface Case {
  documented: boolean;
  label: string;
  handler: Handler;
  method: string;
  url: string;
  params: Record<string, string | string[]>;
  access: Access;
}

const doc = openApiDocument() as { paths: Record<string, Record<string, Record<string, unknown>>> };
const cases: Case[] = [];
for (const file of routeFiles()) {
  const { docPath, url, params } = describeRoute(file);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  for (const m of METHODS) {
    // otherMethods' 405 answers (lib/http-methods.ts) are no operations: tests/unit/method-not-allowed.test.ts checks them
    if (typeof mod[m] !== "function" || isOtherMethodsHandler(mod[m])) continue;
    // the tus catch-all serves /api/uploads (create) and /api/uploads/{id} (the rest)
    const docAt = doc.paths[docPath]?.[m.toLowerCase()] ? docPath : params.path ? `${docPath}/{id}` : docPath;
    const op = doc.paths[docAt]?.[m.toLowerCase()];
    cases.push({
      documented: op !== undefined,
      label: `${m} ${docPath}`,
      handler: mod[m] as Handler,
      method: m,
      url,
      params,
      // an undocumented route counts as needing a login: it must not answer without one
      access: op ? requiredRole(docPath, m.toLowerCase(), op) : "viewer",
    });
  }
}

const secrets: Record<string, string> = {};

beforeAll(async () => {
  for (const role of ["viewer", "member", "admin"] as const) {
    const u = await createUser({ name: `matrix-${role}`, password: "matrix-password", role });
    secrets[role] = (await createToken(u.id, { name: "matrix", scope: "write" })).secret;
    if (role === "admin") secrets.adminRead = (await createToken(u.id, { name: "matrix read", scope: "read" })).secret;
  }
});

afterAll(async () => {
  await db().$disconnect();
});

const WRITE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const RANK: Record<Access, number> = { public: 0, viewer: 1, member: 2, admin: 3 };

/** A request that the handler (if reached) refuses on its own: malformed JSON, ids that do not exist. */
async function send(c: Case, secret?: string): Promise<{ status: number; code?: string }> {
  const headers: Record<string, string> = {};
  if (secret) headers.authorization = `Bearer ${secret}`;
  const withBody = WRITE.has(c.method);
  if (withBody) headers["content-type"] = "application/json";
  const res = await c.handler(new Request(c.url, { method: c.method, headers, body: withBody ? "{" : undefined }), {
    params: Promise.resolve(c.params as Record<string, string>),
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = JSON.parse(text)?.error?.code;
  } catch {
    /* not JSON */
  }
  return { status: res.status, code };
}

describe("every API route goes through the gate with its role", () => {
  it("finds the routes (the same list the OpenAPI test walks) and each is documented with a role", () => {
    expect(cases.length).toBeGreaterThan(40);
    expect(cases.filter((c) => !c.documented).map((c) => c.label)).toEqual([]);
    for (const c of cases) expect(c.access, c.label).toMatch(/^(public|viewer|member|admin)$/);
    // only these answer without credentials
    expect(cases.filter((c) => c.access === "public").map((c) => c.label).sort()).toEqual(
      ["GET /api/auth/me", "GET /api/health", "POST /api/auth/login", "POST /api/auth/logout", "POST /api/auth/setup"].sort(),
    );
  });

  it("no credentials: 401 unauthenticated (public routes answer)", async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      const r = await send(c);
      if (c.access === "public" ? r.status === 401 || r.status === 403 : r.status !== 401 || r.code !== "unauthenticated") wrong.push(`${c.label} → ${r.status} ${r.code}`);
    }
    expect(wrong).toEqual([]);
  });

  it("a bad or unknown token: 401 invalid_token everywhere but the public routes", async () => {
    const wrong: string[] = [];
    for (const c of cases) {
      if (c.access === "public") continue;
      const r = await send(c, "vs_" + "A".repeat(43));
      if (r.status !== 401 || r.code !== "invalid_token") wrong.push(`${c.label} → ${r.status} ${r.code}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ["viewer", "viewer", false],
    ["read-only token of an admin", "adminRead", true],
    ["member", "member", false],
    ["admin", "admin", false],
  ] as const)("%s: allowed exactly where the role reaches; 403 forbidden elsewhere", async (_label, key, readOnly) => {
    const acts = key === "adminRead" ? "viewer" : key;
    const wrong: string[] = [];
    for (const c of cases) {
      if (c.access === "public") continue;
      const r = await send(c, secrets[key]);
      const allowed = RANK[acts] >= RANK[c.access] && !(readOnly && WRITE.has(c.method));
      if (allowed ? r.status === 401 || r.status === 403 : r.status !== 403 || r.code !== "forbidden") wrong.push(`${c.label} → ${r.status} ${r.code}`);
    }
    expect(wrong).toEqual([]);
  });

  it("viewers are refused every write, members every admin route", () => {
    const writes = cases.filter((c) => WRITE.has(c.method) && c.access !== "public");
    expect(writes.every((c) => RANK[c.access] >= RANK.viewer)).toBe(true);
    // the writes a viewer may do are about their own account only
    expect(writes.filter((c) => c.access === "viewer").map((c) => c.label).sort()).toEqual(
      ["POST /api/auth/logout-all", "POST /api/auth/password", "POST /api/tokens", "DELETE /api/tokens/{id}"].sort(),
    );
    expect(cases.filter((c) => c.access === "admin").map((c) => c.label).sort()).toEqual(
      ["GET /api/activity", "GET /api/users", "PATCH /api/users/{id}", "POST /api/system/selftest", "POST /api/users"].sort(),
    );
  });
});
