import { describe, expect, it } from "vitest";
import { DbOutage, isConnectionError } from "./db-outage";

describe("isConnectionError", () => {
  it("knows socket, Postgres and Prisma connection failures", () => {
    expect(isConnectionError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error("the database system is starting up"), { code: "57P03" }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error("Invalid `p.worker.findMany()` invocation"), { code: "P1001" }))).toBe(true);
    expect(isConnectionError(new Error("Raw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:46785`"))).toBe(true);
    expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionError(new Error("wrapper", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }))).toBe(true);
  });

  it("leaves other errors alone", () => {
    expect(isConnectionError(Object.assign(new Error('relation "x" does not exist'), { code: "42P01" }))).toBe(false);
    expect(isConnectionError(new Error("Unique constraint failed"))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
    expect(isConnectionError("ECONNREFUSED?")).toBe(false);
  });
});

describe("DbOutage", () => {
  it("logs the first failure once, counts the rest, and says when the database is back", () => {
    const lines: string[] = [];
    let t = 1000;
    const outage = new DbOutage((l) => lines.push(l), () => t);
    const down = Object.assign(new Error("Invalid `prisma.worker.upsert()` invocation:\n\n\nCan't reach database server at 127.0.0.1:5"), { code: "P1001" });
    expect(outage.failed("heartbeat", down)).toBe(true);
    for (let i = 0; i < 50; i++) expect(outage.failed("fetch selftest", new Error("connect ECONNREFUSED 127.0.0.1:5"))).toBe(true);
    expect(outage.down).toBe(true);
    t += 12_400;
    outage.ok();
    outage.ok();
    expect(lines).toEqual([
      "database unreachable (heartbeat: Can't reach database server at 127.0.0.1:5); retrying quietly until it is back",
      "database reachable again after 12 s (50 more failed call(s) not shown)",
    ]);
    expect(outage.down).toBe(false);
  });

  it("does not swallow other errors", () => {
    const lines: string[] = [];
    const outage = new DbOutage((l) => lines.push(l));
    expect(outage.failed("tick", new Error("Unique constraint failed"))).toBe(false);
    expect(outage.down).toBe(false);
    expect(lines).toEqual([]);
  });
});
