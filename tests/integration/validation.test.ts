// Every route refuses unknown fields and out-of-range ids the same way, before anything reaches the database.
import { afterAll, describe, expect, it } from "vitest";
import * as collection from "../../app/api/experiments/route";
import * as experimentEvents from "../../app/api/experiments/[name]/events/route";
import * as extract from "../../app/api/experiments/[name]/extract/route";
import * as indexRoute from "../../app/api/experiments/[name]/index/route";
import * as preprocess from "../../app/api/experiments/[name]/preprocess/route";
import * as job from "../../app/api/jobs/[id]/route";
import * as jobEvents from "../../app/api/jobs/[id]/events/route";
import * as jobLogs from "../../app/api/jobs/[id]/logs/route";
import { db } from "../../lib/db";
import { call } from "../helpers/routes";
import { authed } from "../helpers/auth";

afterAll(async () => {
  await db().$disconnect();
});

describe("consistent validation", () => {
  it("stage routes refuse unknown fields with 400 unknown_field and queue nothing", async () => {
    expect((await call(collection.POST as never, "POST", {}, { name: "strict" })).status).toBe(201);
    const cases: [unknown, object][] = [[preprocess.POST, { force: true }], [indexRoute.POST, { nprobe: 4 }], [extract.POST, { f0Method: "yin", hop: 160 }]];
    for (const [handler, body] of cases) {
      const res = await call(handler as never, "POST", { name: "strict" }, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("unknown_field");
      expect(res.body.error.details.fields.length).toBe(1);
    }
    expect(await db().job.count({ where: { experiment: { name: "strict" } } })).toBe(0);
    const exp = await db().experiment.findUniqueOrThrow({ where: { name: "strict" } });
    await db().audioFile.create({ data: { experimentId: exp.id, originalName: "a.wav", storedName: "a.wav", bytes: 44n, sha256: "0".repeat(64) } });
    expect((await call(preprocess.POST as never, "POST", { name: "strict" }, {})).status).toBe(202);
  });

  it("event streams refuse a Last-Event-ID beyond the bigint range instead of failing in Postgres", async () => {
    const created = await call(collection.POST as never, "POST", {}, { name: "stream" });
    expect(created.status).toBe(201);
    for (const raw of ["9999999999999999999", "9223372036854775808", "-1", "1e3"]) {
      const url = `http://test.local/api?lastEventId=${raw}`;
      const exp = await (experimentEvents.GET as any)(authed(url), { params: Promise.resolve({ name: "stream" }) });
      expect(exp.status).toBe(400);
      expect((await exp.json()).error.code).toBe("invalid_last_event_id");
    }
    const ok = await (experimentEvents.GET as any)(authed("http://test.local/api?lastEventId=9223372036854775807"), { params: Promise.resolve({ name: "stream" }) });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it("malformed job ids are 404 job_not_found, never a database error", async () => {
    for (const id of ["------------------------------------", "not-a-uuid", "0".repeat(36)]) {
      for (const handler of [job.GET, jobLogs.GET, jobEvents.GET]) {
        const res = await (handler as any)(authed("http://test.local/api"), { params: Promise.resolve({ id }) });
        expect(res.status, id).toBe(404);
        expect((await res.json()).error.code).toBe("job_not_found");
      }
    }
  });
});
