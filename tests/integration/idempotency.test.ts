/**
 * Idempotency-Key on POSTs (lib/idempotency.ts), through the real route handlers and the real gate: the same key
 * with the same request answers the first response again and creates nothing more (rows counted in the database),
 * another request under a used key is a 422, no key creates twice, concurrent duplicates create once, a bad key is
 * a 400, expired keys are forgotten, keys are per user. JSON (experiments) and multipart (conversions with audio, hashed while staged).
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as experiments from "../../app/api/experiments/route";
import * as conversions from "../../app/api/conversions/route";
import { db } from "../../lib/db";
import { sineWav, tempDir } from "../helpers/audio-fixtures";
import { authed, withAuth } from "../helpers/auth";
import { createUser } from "../../lib/auth/users";
import { createToken } from "../../lib/auth/api-tokens";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ctx = { params: Promise.resolve({}) };
const tag = Date.now().toString(36);
const started = new Date();
let dir: string;
let modelId: string;
let clipA: string;
let clipB: string;

async function send(handler: unknown, url: string, body: BodyInit, key?: string, type?: string) {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers["idempotency-key"] = key;
  if (type) headers["content-type"] = type;
  const res = await (handler as Handler)(authed(url, { method: "POST", headers, body }), ctx);
  return { status: res.status, replayed: res.headers.get("idempotent-replayed"), type: res.headers.get("content-type"), text: await res.text() };
}

const createExperiment = (body: object, key?: string) =>
  send(experiments.POST, "http://t/api/experiments", JSON.stringify(body), key, "application/json");

function audioForm(file: string, name = "clip.wav") {
  const form = new FormData();
  form.set("audio", new File([fs.readFileSync(file)], name));
  form.set("modelId", modelId);
  form.set("f0Method", "yin");
  return form;
}
const convert = (file: string, key?: string) => send(conversions.POST, "http://t/api/conversions", audioForm(file), key);
const conversionRows = () => db().conversion.count({ where: { modelId } });

beforeAll(async () => {
  dir = tempDir("vs-idem-");
  clipA = sineWav(dir, "a.wav", { seconds: 1, freq: 220 });
  clipB = sineWav(dir, "b.wav", { seconds: 1, freq: 330 });
  // a model that is "ready" as far as accepting conversions goes (its ONNX file is listed); no job runs here
  const m = await db().voiceModel.create({
    data: { name: `idem-${tag}`, sampleRate: 40000, version: "v2", files: [{ kind: "onnx", name: `idem-${tag}.onnx`, bytes: 1 }] },
  });
  modelId = m.id;
});

afterAll(async () => {
  await db().job.deleteMany({ where: { kind: "convert", params: { path: ["modelId"], equals: modelId } } });
  await db().conversion.deleteMany({ where: { modelId } });
  await db().voiceModel.deleteMany({ where: { id: modelId } });
  await db().experiment.deleteMany({ where: { name: { endsWith: tag } } });
  await db().user.deleteMany({ where: { name: `idem-u-${tag}` } });
  fs.rmSync(dir, { recursive: true, force: true });
  await db().$disconnect();
});

describe("Idempotency-Key", () => {
  it("JSON: the same key and body answers the first response again, replayed, with one row", async () => {
    const body = { name: `idem-exp-${tag}` };
    const creations = () => db().activity.count({ where: { action: "POST /api/experiments", at: { gte: started } } });
    const logged = await creations();
    const first = await createExperiment(body, `exp-${tag}`);
    expect(first.status, first.text).toBe(201);
    expect(first.replayed).toBeNull();
    const again = await createExperiment(body, `exp-${tag}`);
    expect(again.status).toBe(201);
    expect(again.replayed).toBe("true");
    expect(again.type).toMatch(/^application\/json/);
    expect(again.text).toBe(first.text);
    expect(await db().experiment.count({ where: { name: body.name } })).toBe(1);
    expect(await db().idempotencyKey.count({ where: { key: `exp-${tag}` } })).toBe(1);
    // the replay changed nothing: it adds no entry to the activity log (the first request's is the record)
    expect(await creations()).toBe(logged + 1);
  });

  it("JSON: the same key with another body is a 422 and creates nothing", async () => {
    const other = { name: `idem-other-${tag}` };
    const res = await createExperiment(other, `exp-${tag}`);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text).error.code).toBe("idempotency_key_reused");
    expect(await db().experiment.count({ where: { name: other.name } })).toBe(0);
  });

  it("multipart: same key and same audio → one conversion; other audio under that key → 422", async () => {
    const before = await conversionRows();
    const first = await convert(clipA, `conv-${tag}`);
    expect(first.status, first.text).toBe(202);
    const again = await convert(clipA, `conv-${tag}`);
    expect(again.status).toBe(202);
    expect(again.replayed).toBe("true");
    expect(JSON.parse(again.text).conversion.id).toBe(JSON.parse(first.text).conversion.id);
    expect(await conversionRows()).toBe(before + 1);
    // same file name and fields, other content: the staged file's sha256 tells them apart
    const other = await convert(clipB, `conv-${tag}`);
    expect(other.status).toBe(422);
    expect(JSON.parse(other.text).error.code).toBe("idempotency_key_reused");
    expect(await conversionRows()).toBe(before + 1);
  });

  it("without a key the same request creates twice", async () => {
    const before = await conversionRows();
    expect((await convert(clipA)).status).toBe(202);
    expect((await convert(clipA)).status).toBe(202);
    expect(await conversionRows()).toBe(before + 2);
  });

  it("concurrent requests with one key create one row; the others are told it is in progress or get the replay", async () => {
    const before = await conversionRows();
    const results = await Promise.all([1, 2, 3, 4].map(() => convert(clipA, `race-${tag}`)));
    expect(await conversionRows()).toBe(before + 1);
    const fresh = results.filter((r) => r.status === 202 && r.replayed === null);
    expect(fresh).toHaveLength(1);
    for (const r of results) {
      if (r.status === 202) expect(JSON.parse(r.text).conversion.id).toBe(JSON.parse(fresh[0]!.text).conversion.id);
      else {
        expect(r.status).toBe(409);
        expect(JSON.parse(r.text).error.code).toBe("idempotency_in_progress");
      }
    }
  });

  it("keys belong to their user: another user's same key and body is a request of its own", async () => {
    const user = await createUser({ name: `idem-u-${tag}`, password: `idem-u-${tag}-password`, role: "member" });
    const token = (await createToken(user.id, { name: "tests", scope: "write" })).secret;
    const before = await conversionRows();
    const mine = await convert(clipA, `shared-${tag}`);
    const form = audioForm(clipA);
    const res = await (conversions.POST as Handler)(
      new Request("http://t/api/conversions", withAuth({ method: "POST", headers: { "idempotency-key": `shared-${tag}` }, body: form }, token)),
      ctx,
    );
    expect(mine.status).toBe(202);
    expect(res.status).toBe(202);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect(((await res.json()) as { conversion: { id: string } }).conversion.id).not.toBe(JSON.parse(mine.text).conversion.id);
    expect(await conversionRows()).toBe(before + 2);
  });

  it("a key that is empty, too long or not printable ASCII is a 400", async () => {
    for (const key of ["", "x".repeat(256), "tab\tkey", "naïve"]) {
      const res = await createExperiment({ name: `idem-bad-${tag}` }, key);
      expect(res.status, JSON.stringify(key)).toBe(400);
      expect(JSON.parse(res.text).error.code).toBe("invalid_idempotency_key");
    }
    expect(await db().experiment.count({ where: { name: `idem-bad-${tag}` } })).toBe(0);
  });

  it("an error below 500 is remembered too; an expired key is forgotten and may be used again", async () => {
    const missing = { modelId: "00000000-0000-4000-8000-000000000000", fileId: "00000000-0000-4000-8000-000000000000" };
    const url = "http://t/api/conversions";
    const first = await send(conversions.POST, url, JSON.stringify(missing), `err-${tag}`, "application/json");
    expect(first.status).toBe(404);
    const again = await send(conversions.POST, url, JSON.stringify(missing), `err-${tag}`, "application/json");
    expect(again.status).toBe(404);
    expect(again.replayed).toBe("true");
    expect(again.text).toBe(first.text);

    await db().idempotencyKey.updateMany({ where: { key: `exp-${tag}` }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const reused = await createExperiment({ name: `idem-later-${tag}` }, `exp-${tag}`);
    expect(reused.status, reused.text).toBe(201);
    expect(await db().experiment.count({ where: { name: `idem-later-${tag}` } })).toBe(1);
  });
});
