/**
 * What a new user trips over in the API (issue 18, item 13): unknown /api paths answer the JSON error shape, a
 * missing experiment name says so, and preprocess of an experiment without audio is refused at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import * as unknownRoute from "../../app/api/[...path]/route";
import * as collection from "../../app/api/experiments/route";
import * as preprocess from "../../app/api/experiments/[name]/preprocess/route";
import * as pipeline from "../../app/api/experiments/[name]/pipeline/route";
import * as experimentRoute from "../../app/api/experiments/[name]/route";
import * as extract from "../../app/api/experiments/[name]/extract/route";
import * as train from "../../app/api/experiments/[name]/train/route";
import { db, type Db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { call } from "../helpers/routes";
import { startWeb } from "../helpers/web";

afterAll(async () => {
  await db().$disconnect();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string[]>> }) => Promise<Response>;

describe("unknown API routes", () => {
  it("answer 404 not_found in the API's JSON shape for every method, with or without credentials", async () => {
    for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
      const handler = unknownRoute[m] as Handler;
      const res = await handler(new Request("http://127.0.0.1/api/no-such/thing", { method: m }), { params: Promise.resolve({ path: ["no-such", "thing"] }) });
      expect(res.status, m).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = await res.json();
      expect(body.error.code).toBe("not_found");
      expect(body.error.message).toBe(`There is no API route ${m} /api/no-such/thing; GET /api/openapi.json lists them`);
    }
  });

  it("reach the catch-all through Next's routing (a real production web server (launcher/web-server.ts)), after every real route", async () => {
    const web = await startWeb();
    try {
      for (const [method, p] of [["GET", "/api/no-such"], ["POST", "/api/experiments/x/no-such/deeper"], ["DELETE", "/api/jobs/a/b/c/d"]]) {
        const res = await fetch(web.url + p!, { method, headers: { origin: web.url } });
        expect(res.status, `${method} ${p}`).toBe(404);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect((await res.json()).error).toMatchObject({ code: "not_found", details: { method, path: p } });
      }
      // a method a real route does not implement: 405 in the JSON shape with Allow, not Next's empty 405
      const put = await fetch(`${web.url}/api/experiments`, { method: "PUT", headers: { origin: web.url } });
      expect(put.status).toBe(405);
      expect(put.headers.get("allow")).toBe("GET, POST");
      expect((await put.json()).error).toMatchObject({ code: "method_not_allowed", message: "PUT is not supported on /api/experiments; allowed: GET, POST" });
      // real routes still answer themselves
      expect((await fetch(`${web.url}/api/health`)).status).toBe(200);
      expect((await fetch(`${web.url}/api/experiments`)).status).toBe(401);
    } finally {
      await web.stop();
    }
  });

  it("still refuse a foreign Host first (421)", async () => {
    const res = await (unknownRoute.GET as Handler)(new Request("http://attacker.example/api/x", { headers: { host: "attacker.example" } }), {
      params: Promise.resolve({ path: ["x"] }),
    });
    expect(res.status).toBe(421);
  });
});

describe("experiment input", () => {
  it("a missing name says it is missing (not \"Invalid experiment name undefined\") and creates nothing", async () => {
    const before = await db().experiment.count();
    const res = await call(collection.POST as never, "POST", {}, { sampleRate: 40000 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_name");
    expect(res.body.error.message).toMatch(/^name is missing: must be 1 to 64 characters/);
    expect(await db().experiment.count()).toBe(before);
  });

  it("a duplicate name is answered before any INSERT (Postgres would log the failed statement whole)", async () => {
    const settings = { sampleRate: 40000, f0Method: "rmvpe", version: "v2" } as const;
    expect((await call(collection.POST as never, "POST", {}, { name: "twice" })).status).toBe(201);
    const inserts: unknown[] = [];
    const experiment = new Proxy(db().experiment, {
      get: (target, key, receiver) => (key === "create" ? (args: unknown) => (inserts.push(args), target.create(args as never)) : Reflect.get(target, key, receiver)),
    });
    const watched = new Proxy(db(), { get: (target, key, receiver) => (key === "experiment" ? experiment : Reflect.get(target, key, receiver)) }) as Db;
    await expect(createExperiment({ name: "twice", ...settings }, watched)).rejects.toMatchObject({ status: 409, code: "experiment_exists" });
    expect(inserts).toEqual([]);
    await createExperiment({ name: "once", ...settings }, watched);
    expect(inserts).toHaveLength(1);
  });

  it("preprocess and the whole pipeline of an experiment without audio are refused at once (409 no_audio), queueing nothing", async () => {
    expect((await call(collection.POST as never, "POST", {}, { name: "silent" })).status).toBe(201);
    for (const [handler, body] of [[preprocess.POST, {}], [pipeline.POST, { epochs: 2 }]] as const) {
      const res = await call(handler as never, "POST", { name: "silent" }, body);
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.error.code).toBe("no_audio");
      expect(res.body.error.message).toMatch(/"silent" has no audio yet: upload recordings/);
    }
    const exp = await db().experiment.findUniqueOrThrow({ where: { name: "silent" } });
    expect(await db().job.count({ where: { experimentId: exp.id } })).toBe(0);

    // a rejected file is no audio either; a ready one is
    const file = { experimentId: exp.id, originalName: "a.wav", bytes: 44n, sha256: "0".repeat(64) };
    await db().audioFile.create({ data: { ...file, storedName: "rejected.wav", status: "rejected", error: "not audio" } });
    expect((await call(preprocess.POST as never, "POST", { name: "silent" }, {})).body.error.code).toBe("no_audio");
    await db().audioFile.create({ data: { ...file, storedName: "ready.wav" } });
    const ok = await call(preprocess.POST as never, "POST", { name: "silent" }, {});
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    expect(ok.body.job).toMatchObject({ kind: "preprocess", status: "queued" });
  });
});

describe("settings changed after a stage ran (item 2)", () => {
  it("marks the stages the change invalidates out of date and refuses to train until the right one is re-run", async () => {
    expect((await call(collection.POST as never, "POST", {}, { name: "rate-change" })).status).toBe(201);
    const exp = await db().experiment.findUniqueOrThrow({ where: { name: "rate-change" } });
    await db().audioFile.create({ data: { experimentId: exp.id, originalName: "a.wav", storedName: "a.wav", bytes: 44n, sha256: "1".repeat(64) } });
    // run a stage through the API (its job records the settings it was queued with), then let it succeed
    const runStage = async (handler: unknown) => {
      const res = await call(handler as never, "POST", { name: "rate-change" }, {});
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const now = await db().experiment.findUniqueOrThrow({ where: { id: exp.id } });
      expect(res.body.job.settings).toEqual({ sampleRate: now.sampleRate, f0Method: now.f0Method, version: now.version, cleaning: "off" });
      await db().job.update({ where: { id: res.body.job.id }, data: { status: "succeeded", finishedAt: new Date() } });
      return res.body.job;
    };
    const stagesOf = async () => (await call(experimentRoute.GET as never, "GET", { name: "rate-change" })).body.stages;

    await runStage(preprocess.POST);
    await runStage(extract.POST);
    expect(await stagesOf()).toMatchObject({ preprocess: { status: "succeeded", stale: false }, extract: { status: "succeeded", stale: false } });

    expect((await call(experimentRoute.PATCH as never, "PATCH", { name: "rate-change" }, { sampleRate: 32000 })).status).toBe(200);
    const stale = await stagesOf();
    expect(stale.preprocess).toMatchObject({ status: "succeeded", stale: true, reason: "settings changed since: sample rate 40000 → 32000" });
    expect(stale.extract).toMatchObject({ stale: true, reason: "settings changed since: sample rate 40000 → 32000" });
    expect(stale.train).toMatchObject({ status: null, stale: false });

    const jobsBefore = await db().job.count({ where: { experimentId: exp.id } });
    for (const handler of [train.POST, extract.POST]) {
      const refused = await call(handler as never, "POST", { name: "rate-change" }, {});
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe("stale_stage");
      expect(refused.body.error.message).toMatch(/: re-run preprocess \(settings changed since: sample rate 40000 → 32000\)$/);
    }
    expect(await db().job.count({ where: { experimentId: exp.id } })).toBe(jobsBefore);

    // re-running preprocess with the new rate clears it; extract is next
    await runStage(preprocess.POST);
    expect((await stagesOf()).preprocess.stale).toBe(false);
    const next = await call(train.POST as never, "POST", { name: "rate-change" }, {});
    expect(next.status).toBe(409);
    expect(next.body.error.message).toBe('Cannot start train for "rate-change": re-run extract (settings changed since: sample rate 40000 → 32000)');

    // the pitch method does not touch preprocess; changing the rate back makes the old extract current again
    expect((await call(experimentRoute.PATCH as never, "PATCH", { name: "rate-change" }, { sampleRate: 40000, f0Method: "yin" })).status).toBe(200);
    const pitch = await stagesOf();
    expect(pitch.extract).toMatchObject({ stale: true, reason: "settings changed since: pitch method rmvpe → yin" });
    expect(pitch.preprocess).toMatchObject({ stale: true, reason: "settings changed since: sample rate 32000 → 40000" });
  });
});
