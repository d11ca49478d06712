import { afterEach, describe, expect, it, vi } from "vitest";
import { errorResponse, route } from "./http";
import { ApiError } from "./errors";

afterEach(() => vi.restoreAllMocks());

describe("errorResponse", () => {
  it("answers an unexpected error with 500, a request id and a generic message; the details go to the log under that id", async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args));
    const secret = 'relation "pgboss.job" does not exist at /var/lib/postgresql/16/main/base/16384';
    const res = await errorResponse(new Error(secret));
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const text = await res.text();
    expect(text).not.toContain("postgresql");
    expect(text).not.toContain("pgboss");
    const body = JSON.parse(text);
    expect(body.error.code).toBe("internal");
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(body.error.requestId);
    expect(body.error.message).toContain(body.error.requestId);
    expect(logged).toHaveLength(1);
    expect(String(logged[0]![0])).toContain(body.error.requestId);
    expect((logged[0]![1] as Error).message).toBe(secret);
  });

  it("gives two failures two request ids", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const a = (await (await errorResponse(new Error("x"))).json()).error.requestId;
    const b = (await (await errorResponse(new Error("x"))).json()).error.requestId;
    expect(a).not.toBe(b);
  });

  it("maps a full disk to 507 disk_full, and Postgres's full disk without its file paths", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const fsFull = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28 });
    const r1 = await errorResponse(fsFull);
    expect(r1.status).toBe(507);
    expect((await r1.json()).error.code).toBe("disk_full");
    const pgFull = Object.assign(new Error('could not extend file "base/16384/2619": No space left on device'), { code: "53100", severity: "ERROR" });
    const r2 = await errorResponse(pgFull);
    expect(r2.status).toBe(507);
    const text = await r2.text();
    expect(JSON.parse(text).error).toMatchObject({ code: "disk_full", details: { disk: "database" } });
    expect(text).not.toContain("base/16384");
  });

  it("keeps ApiErrors and database-down answers as they were", async () => {
    const r = await errorResponse(new ApiError(404, "experiment_not_found", "No experiment \"x\""));
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: { code: "experiment_not_found", message: 'No experiment "x"' } });
    const down = await errorResponse(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
    expect(down.status).toBe(503);
    expect((await down.json()).error.code).toBe("database_unavailable");
  });

  it("is what route() answers when a handler throws", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const handler = route({ access: "public", summary: "", responses: {} }, async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    });
    const res = await handler(new Request("http://x/api/thing"), { params: Promise.resolve({}) });
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.message).not.toContain("Cannot read");
  });
});
