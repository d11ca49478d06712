/**
 * Generated from the route specs, not from a hand list: every POST/PATCH route whose spec takes a JSON body
 * refuses a field it does not know with 400 `unknown_field` naming it, even when the rest of the body is valid
 * (a minimal body built from the spec's own zod schema), and before the handler runs.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { RouteSpec } from "../../lib/api/spec";
import { ROUTE_SPECS } from "../../lib/api";
import { db } from "../../lib/db";
import { authed } from "../helpers/auth";

type Handler = ((req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>) & { spec?: RouteSpec };

const ROOT = path.resolve(import.meta.dirname, "../..");
const API_DIR = path.join(ROOT, "app/api");
const NO_UUID = "00000000-0000-4000-8000-000000000000";

afterAll(async () => {
  await db().$disconnect();
});

function routeFiles(dir = API_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === "route.ts" ? [full] : [];
  });
}

/** Values a field may take, tried in order: the first its schema accepts is used. */
const CANDIDATES: unknown[] = ["unknown-field-test", NO_UUID, "a-long-enough-password", "viewer", "read", 40000, 1, true, [], [NO_UUID], {}, "A", [1, 2]];

function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  let s: unknown = schema;
  for (let i = 0; i < 5 && s && !(s as { shape?: unknown }).shape; i++) {
    const def = (s as { def?: { innerType?: unknown; in?: unknown; schema?: unknown } }).def;
    s = def?.innerType ?? def?.in ?? def?.schema;
  }
  return (s as { shape?: Record<string, z.ZodType> })?.shape ?? {};
}

/** The smallest valid-looking object for a zod object schema: every required field, plus one optional if none is. */
function minimal(schema: z.ZodType | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const shape = shapeOf(schema);
  const fill = (key: string) => {
    const value = CANDIDATES.find((v) => shape[key]!.safeParse(v).success);
    if (value === undefined) throw new Error(`no candidate value fits field ${key}`);
    out[key] = value;
  };
  for (const key of Object.keys(shape)) if (!shape[key]!.safeParse(undefined).success) fill(key);
  // a PATCH needs at least one field: take the first optional one
  if (schema && !schema.safeParse(out).success) {
    const optional = Object.keys(shape).find((k) => !(k in out));
    if (optional) fill(optional);
  }
  return out;
}

interface Case {
  name: string;
  handler: Handler;
  spec: RouteSpec;
  url: string;
  params: Record<string, string>;
}

async function jsonBodyRoutes(): Promise<Case[]> {
  const cases: Case[] = [];
  for (const file of routeFiles()) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, Handler>;
    for (const method of ["POST", "PATCH"] as const) {
      const handler = mod[method];
      const spec = handler?.spec;
      if (!spec?.body || spec.method !== method) continue;
      if (!["json", "json-or-multipart", undefined].includes(spec.bodyType)) continue;
      const params = minimal(spec.params) as Record<string, string>;
      const url = spec.path!.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k]!));
      cases.push({ name: `${method} ${spec.path}`, handler: handler!, spec, url, params });
    }
  }
  return cases;
}

const cases = await jsonBodyRoutes();

describe("unknown fields are refused on every POST/PATCH route with a JSON body (generated from the specs)", () => {
  it("finds the routes through their specs, and every one is a documented spec", () => {
    // the specs the route files carry are the documented ones (lib/api/index.ts)
    for (const c of cases) expect(ROUTE_SPECS, c.name).toContain(c.spec);
    // every documented POST/PATCH with a JSON body is among the routes found in app/api
    const documented = ROUTE_SPECS.filter((s) => (s.method === "POST" || s.method === "PATCH") && s.body).map((s) => `${s.method} ${s.path}`);
    expect(cases.map((c) => c.name).sort()).toEqual(documented.sort());
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const body = minimal(c.spec.body);
    // the minimal body is valid by the route's own schema: the refusal below is the unknown field's alone
    expect(c.spec.body!.safeParse(body).success, JSON.stringify(body)).toBe(true);
    const req = authed(`http://test.local${c.url}`, {
      method: c.spec.method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, __unknown: 1 }),
    });
    const res = await c.handler(req, { params: Promise.resolve(c.params) });
    const answer = (await res.json()) as { error: { code: string; message: string; details?: { fields?: string[]; field?: string } } };
    expect(res.status, JSON.stringify(answer)).toBe(400);
    expect(answer.error.code).toBe("unknown_field");
    expect(answer.error.message).toMatch(/^Unknown field\(s\): __unknown; /);
    expect(answer.error.details).toMatchObject({ fields: ["__unknown"], field: "__unknown" });
  });
});
