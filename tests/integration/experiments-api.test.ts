import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as collection from "../../app/api/experiments/route";
import * as item from "../../app/api/experiments/[name]/route";
import * as preprocess from "../../app/api/experiments/[name]/preprocess/route";
import { db } from "../../lib/db";
import { paths } from "../../lib/paths";
import { call } from "../helpers/routes";

afterAll(async () => {
  await db().$disconnect();
});

const create = (body: unknown) => call(collection.POST as never, "POST", {}, body);
const count = () => db().experiment.count();

describe("experiments API", () => {
  it("creates with defaults, lists and gets", async () => {
    const res = await create({ name: "alpha" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "alpha", sampleRate: 40000, f0Method: "rmvpe", version: "v2", status: "new" });
    const list = await call(collection.GET as never, "GET");
    expect(list.body.experiments.map((e: { name: string }) => e.name)).toContain("alpha");
    expect(list.body.experiments.find((e: { name: string }) => e.name === "alpha")).toMatchObject({ fileCount: 0, totalSeconds: 0 });
    const one = await call(item.GET as never, "GET", { name: "alpha" });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ name: "alpha", files: [], jobs: [], models: [] });
  });

  it("rejects a bad name with 400 and the rule, creating nothing", async () => {
    const before = await count();
    const res = await create({ name: "Not Valid!" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_name");
    expect(res.body.error.message).toMatch(/lowercase letters, digits/);
    expect(await count()).toBe(before);
  });

  it("rejects malformed JSON and non-object bodies with 400", async () => {
    const before = await count();
    const bad = await call(collection.POST as never, "POST", {}, undefined, '{"name": "x",');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const arr = await call(collection.POST as never, "POST", {}, undefined, "[1,2]");
    expect(arr.body.error.code).toBe("invalid_body");
    expect(await count()).toBe(before);
  });

  it("answers a duplicate with 409 and keeps the original untouched", async () => {
    await create({ name: "dup", sampleRate: 48000 });
    const res = await create({ name: "dup", sampleRate: 32000 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("experiment_exists");
    expect((await call(item.GET as never, "GET", { name: "dup" })).body.sampleRate).toBe(48000);
  });

  it("answers unknown names with 404 on get, patch and delete", async () => {
    for (const [h, m, b] of [[item.GET, "GET"], [item.PATCH, "PATCH", { sampleRate: 32000 }], [item.DELETE, "DELETE"]] as const) {
      const res = await call(h as never, m, { name: "nobody" }, b);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("experiment_not_found");
    }
  });

  it("changes settings and validates them", async () => {
    await create({ name: "tune" });
    const ok = await call(item.PATCH as never, "PATCH", { name: "tune" }, { sampleRate: 32000, f0Method: "yin" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ sampleRate: 32000, f0Method: "yin" });
    const bad = await call(item.PATCH as never, "PATCH", { name: "tune" }, { sampleRate: 22050 });
    expect(bad.status).toBe(400);
    expect((await call(item.GET as never, "GET", { name: "tune" })).body.sampleRate).toBe(32000);
  });

  it("renames, moving its folders with it; refuses a taken name", async () => {
    await create({ name: "old-name" });
    await create({ name: "taken" });
    const p = paths();
    fs.mkdirSync(p.experimentUploads("old-name"), { recursive: true });
    fs.writeFileSync(path.join(p.experimentUploads("old-name"), "a.wav"), "x");
    fs.mkdirSync(p.experimentSubdir("old-name", "gtWavs"), { recursive: true });

    const clash = await call(item.PATCH as never, "PATCH", { name: "old-name" }, { name: "taken" });
    expect(clash.status).toBe(409);
    expect(fs.existsSync(path.join(p.experimentUploads("old-name"), "a.wav"))).toBe(true);

    const res = await call(item.PATCH as never, "PATCH", { name: "old-name" }, { name: "new-name" });
    expect(res.status).toBe(200);
    expect(fs.existsSync(path.join(p.experimentUploads("new-name"), "a.wav"))).toBe(true);
    expect(fs.existsSync(p.experimentSubdir("new-name", "gtWavs"))).toBe(true);
    expect(fs.existsSync(p.experimentUploads("old-name"))).toBe(false);
    expect((await call(item.GET as never, "GET", { name: "old-name" })).status).toBe(404);
  });

  it("refuses to delete or change an experiment with an active job (409), and deletes it once idle", async () => {
    await create({ name: "busy" });
    const p = paths();
    fs.mkdirSync(p.experimentUploads("busy"), { recursive: true });
    const exp = await db().experiment.findUniqueOrThrow({ where: { name: "busy" } });
    const job = await db().job.create({ data: { kind: "preprocess", status: "running", experimentId: exp.id } });

    const del = await call(item.DELETE as never, "DELETE", { name: "busy" });
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe("experiment_busy");
    expect(del.body.error.message).toMatch(/preprocess job is running/);
    expect(await db().experiment.count({ where: { name: "busy" } })).toBe(1);
    expect(fs.existsSync(p.experimentUploads("busy"))).toBe(true);
    expect((await call(item.PATCH as never, "PATCH", { name: "busy" }, { version: "v1" })).status).toBe(409);

    await db().job.update({ where: { id: job.id }, data: { status: "failed" } });
    const ok = await call(item.DELETE as never, "DELETE", { name: "busy" });
    expect(ok.status).toBe(204);
    expect(await db().experiment.count({ where: { name: "busy" } })).toBe(0);
    expect(await db().job.count({ where: { id: job.id } })).toBe(0);
    expect(fs.existsSync(p.experimentUploads("busy"))).toBe(false);
  });

  it("queues one job per experiment and stage (409 for a second)", async () => {
    await create({ name: "queue-me" });
    const exp = await db().experiment.findUniqueOrThrow({ where: { name: "queue-me" } });
    await db().audioFile.create({ data: { experimentId: exp.id, originalName: "a.wav", storedName: "a.wav", bytes: 44n, sha256: "0".repeat(64) } });
    const first = await call(preprocess.POST as never, "POST", { name: "queue-me" }, {});
    expect(first.status).toBe(202);
    expect(first.body.job).toMatchObject({ kind: "preprocess", status: "queued" });
    const second = await call(preprocess.POST as never, "POST", { name: "queue-me" }, {});
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("job_active");
    const missing = await call(preprocess.POST as never, "POST", { name: "ghost" }, {});
    expect(missing.status).toBe(404);
  });
});
