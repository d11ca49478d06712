/**
 * Every /api route answers a method it does not implement with 405 in the API's error shape and an Allow header
 * (lib/http-methods.ts), not Next's automatic empty 405. Walks every route file: the methods it implements are the
 * ones it exports itself; every other one of GET, POST, PUT, PATCH, DELETE must come from otherMethods(...) naming
 * exactly the implemented ones.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_METHODS } from "../../lib/http-methods";

const ROOT = path.resolve(import.meta.dirname, "../..");
function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}
const files = routeFiles(path.join(ROOT, "app/api"));

describe("unsupported methods on /api routes", () => {
  it("finds the route files", () => expect(files.length).toBeGreaterThan(30));

  for (const file of files) {
    const rel = path.relative(ROOT, file);
    it(`${rel}: every other method answers 405 method_not_allowed with Allow`, async () => {
      const text = fs.readFileSync(file, "utf8");
      const own = API_METHODS.filter((m) => new RegExp(`^export (const|async function|function) ${m}\\b`, "m").test(text));
      const others = API_METHODS.filter((m) => !own.includes(m));
      const mod = (await import(file)) as Record<string, (req: Request, ctx: unknown) => Promise<Response>>;
      for (const m of API_METHODS) expect(typeof mod[m], `${rel} exports ${m}`).toBe("function");
      const line = /otherMethods\(([^)]*)\)/.exec(text);
      if (others.length === 0) return;
      const allowed = line![1]!.split(",").map((s) => s.trim().replace(/"/g, "")).filter((m) => m !== "HEAD" && m !== "OPTIONS");
      expect(allowed, `${rel}: otherMethods names the methods the file implements`).toEqual(own);
      for (const m of others) {
        const url = `http://127.0.0.1/${rel.replace(/^app\//, "").replace(/\/route\.ts$/, "")}`;
        const res = await mod[m]!(new Request(url, { method: m, headers: { origin: "http://127.0.0.1" } }), { params: Promise.resolve({}) });
        expect(res.status, `${m} ${rel}`).toBe(405);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        const allow = res.headers.get("allow")!;
        expect(allow.split(", ").filter((x) => x !== "HEAD" && x !== "OPTIONS")).toEqual(own);
        const body = await res.json();
        expect(body.error.code).toBe("method_not_allowed");
        expect(body.error.message).toMatch(new RegExp(`^${m} is not supported on /api/.*; allowed: ${allow}$`));
      }
    });
  }
});
