/**
 * Batch conversion requests (POST /api/conversions/batch) through the real route handlers: several audio files, a
 * zip, or uploaded file ids → one batch with one queued conversion per usable clip (unusable ones listed with the
 * reason); a zip entry that climbs out (../evil.wav), too many clips and bad settings are refused with nothing left;
 * an Idempotency-Key makes a resent batch one batch. The conversions themselves run in conversions.test.ts, which
 * has a trained model; here the model is only "ready" (its ONNX file is listed), so jobs stay queued.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as batchRoute from "../../app/api/conversions/batch/route";
import * as batchOne from "../../app/api/conversions/batch/[id]/route";
import * as batchDownload from "../../app/api/conversions/batch/[id]/download/route";
import * as batchList from "../../app/api/conversions/batches/route";
import { BatchListResponse, BatchResponse } from "../../lib/api/batches";
import { config } from "../../lib/config";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { DEFAULT_SETTINGS } from "../../lib/experiment-rules";
import { paths } from "../../lib/paths";
import { sineWav, tempDir } from "../helpers/audio-fixtures";
import { authed } from "../helpers/auth";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });
const tag = Date.now().toString(36);
let dir: string;
let modelId: string;
let clips: string[];

async function post(body: BodyInit, headers: Record<string, string> = {}) {
  const res = await (batchRoute.POST as Handler)(authed("http://t/api/conversions/batch", { method: "POST", body, headers }), ctx());
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, replayed: res.headers.get("idempotent-replayed") };
}

function form(files: [name: string, file: string][], fields: Record<string, string> = {}, field = "audio") {
  const f = new FormData();
  f.set("modelId", modelId);
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  for (const [name, file] of files) f.append(field, new File([fs.readFileSync(file)], name));
  return f;
}

/** A zip made by Python's zipfile, which (unlike yazl) writes any entry name, "../evil.wav" included. */
function pythonZip(out: string, entries: [name: string, file: string][]): string {
  const script = `
import sys, json, zipfile
out, entries = sys.argv[1], json.loads(sys.argv[2])
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, src in entries:
        z.writestr(zipfile.ZipInfo(name), open(src, "rb").read(), compress_type=zipfile.ZIP_DEFLATED)
`;
  execFileSync("/usr/bin/python3", ["-c", script, out, JSON.stringify(entries)]);
  return out;
}

const counts = async () => ({
  batches: await db().conversionBatch.count({ where: { modelId } }),
  conversions: await db().conversion.count({ where: { modelId } }),
});

beforeAll(async () => {
  dir = tempDir("vs-batch-");
  clips = [0, 1, 2, 3, 4].map((i) => sineWav(dir, `clip${i}.wav`, { seconds: 0.8, freq: 200 + 40 * i }));
  const m = await db().voiceModel.create({
    data: { name: `batch-${tag}`, sampleRate: 40000, version: "v2", files: [{ kind: "onnx", name: `batch-${tag}.onnx`, bytes: 1 }] },
  });
  modelId = m.id;
});

afterAll(async () => {
  await db().job.deleteMany({ where: { kind: "convert", params: { path: ["modelId"], equals: modelId } } });
  await db().conversion.deleteMany({ where: { modelId } });
  await db().conversionBatch.deleteMany({ where: { modelId } });
  await db().voiceModel.deleteMany({ where: { id: modelId } });
  await db().experiment.deleteMany({ where: { name: `batch-src-${tag}` } });
  fs.rmSync(dir, { recursive: true, force: true });
  await db().$disconnect();
});

describe("POST /api/conversions/batch", () => {
  it("several audio files → one batch, one queued conversion per clip with the batch's settings; a clip too short is skipped with the reason", async () => {
    const short = sineWav(dir, "short.wav", { seconds: 0.2 });
    const res = await post(form([["one.wav", clips[0]!], ["two.wav", clips[1]!], ["short.wav", short], ["three.wav", clips[2]!]], { pitch: "5", f0Method: "yin" }));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const batch = BatchResponse.parse(res.body);
    expect(batch).toMatchObject({ status: "queued", total: 3, done: 0, failed: 0, modelId, downloadUrl: `/api/conversions/batch/${batch.id}/download` });
    expect(batch.params).toMatchObject({ pitch: 5, f0Method: "yin" });
    expect(batch.skipped).toEqual([{ name: "short.wav", reason: expect.stringMatching(/at least 0\.5 s/) }]);
    expect(batch.conversions.map((c) => c.inputName)).toEqual(["one.wav", "two.wav", "three.wav"]);
    const rows = await db().conversion.findMany({ where: { batchId: batch.id }, include: { job: true } });
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.job?.status).toBe("queued");
      expect(r.params).toMatchObject({ pitch: 5, f0Method: "yin" });
    }
    // GET and the list show it; nothing is converted yet, so the zip is not ready
    const got = await (batchOne.GET as Handler)(authed("http://t"), ctx({ id: batch.id }));
    expect(BatchResponse.parse(await got.json()).id).toBe(batch.id);
    const list = BatchListResponse.parse(await (await (batchList.GET as Handler)(authed("http://t/api/conversions/batches"), ctx())).json());
    expect(list.batches[0]!.id).toBe(batch.id);
    const dl = await (batchDownload.GET as Handler)(authed("http://t"), ctx({ id: batch.id }));
    expect(dl.status).toBe(409);
    expect((await dl.json()).error.code).toBe("batch_not_ready");
  });

  it("a zip of audio files: each audio entry is a clip, the rest is listed as skipped", async () => {
    const notes = path.join(dir, "notes.txt");
    fs.writeFileSync(notes, "not audio");
    const zip = pythonZip(path.join(dir, "clips.zip"), [["a/first.wav", clips[0]!], ["b/second.wav", clips[1]!], ["notes.txt", notes]]);
    const res = await post(form([["clips.zip", zip]], {}, "zip"));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.total).toBe(2);
    expect(res.body.conversions.map((c: { inputName: string }) => c.inputName)).toEqual(["first.wav", "second.wav"]);
    expect(res.body.skipped).toEqual([{ name: "notes.txt", reason: "not an audio file type" }]);
  });

  it("uploaded files by id (JSON) with nested settings", async () => {
    const exp = await createExperiment({ name: `batch-src-${tag}`, ...DEFAULT_SETTINGS });
    fs.mkdirSync(paths().experimentUploads(exp.name), { recursive: true });
    const ids = [];
    for (const [i, c] of clips.slice(0, 2).entries()) {
      fs.copyFileSync(c, paths().uploadFile(exp.name, `s${i}.wav`));
      const f = await db().audioFile.create({ data: { experimentId: exp.id, originalName: `up${i}.wav`, storedName: `s${i}.wav`, bytes: 1n, durationSec: 0.8, sha256: `x${i}` } });
      ids.push(f.id);
    }
    const res = await post(JSON.stringify({ modelId, fileIds: ids, params: { indexRate: 0.5 } }), { "content-type": "application/json" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.total).toBe(2);
    expect(res.body.params.indexRate).toBe(0.5);
    expect(res.body.conversions.map((c: { inputName: string }) => c.inputName)).toEqual(["up0.wav", "up1.wav"]);
  });

  it("refuses a zip with a ../evil.wav entry, leaving nothing", async () => {
    const before = await counts();
    const zip = pythonZip(path.join(dir, "evil.zip"), [["ok.wav", clips[0]!], ["../evil.wav", clips[1]!]]);
    const res = await post(form([["evil.zip", zip]], {}, "zip"));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("zip_unsafe_path");
    expect(res.body.error.message).toMatch(/"\.\.\/evil\.wav" points outside the archive/);
    expect(await counts()).toEqual(before);
  });

  it("refuses more clips than MAX_BATCH_CLIPS however they are sent, and bad settings, leaving nothing", async () => {
    const max = config().maxBatchClips;
    const before = await counts();
    const many = Array.from({ length: max + 1 }, (_, i) => [`c${i}.wav`, clips[i % clips.length]!] as [string, string]);
    const files = await post(form(many));
    expect(files.status).toBe(422);
    expect(files.body.error).toMatchObject({ code: "too_many_clips", details: { limit: max } });
    const zip = await post(form([["many.zip", pythonZip(path.join(dir, "many.zip"), many)]], {}, "zip"));
    expect(zip.status).toBe(422);
    expect(zip.body.error.code).toBe("too_many_clips");
    const ids = Array.from({ length: max + 1 }, () => "00000000-0000-4000-8000-000000000000");
    const json = await post(JSON.stringify({ modelId, fileIds: ids }), { "content-type": "application/json" });
    expect(json.status).toBe(422);
    expect(json.body.error.code).toBe("too_many_clips");

    const badPitch = await post(form([["one.wav", clips[0]!]], { pitch: "99" }));
    expect(badPitch.status).toBe(400);
    expect(badPitch.body.error.code).toBe("invalid_pitch");
    const unknown = await post(JSON.stringify({ modelId, fileIds: ["x"], params: { speed: 2 } }), { "content-type": "application/json" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: "unknown_field", details: { fields: ["speed"] } });
    const none = await post(form([]));
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe("missing_input");
    expect(await counts()).toEqual(before);
  });

  it("with an Idempotency-Key a resent batch is one batch", async () => {
    const before = await counts();
    const key = `batch-${tag}`;
    const first = await post(form([["one.wav", clips[0]!], ["two.wav", clips[1]!]]), { "idempotency-key": key });
    expect(first.status).toBe(202);
    const again = await post(form([["one.wav", clips[0]!], ["two.wav", clips[1]!]]), { "idempotency-key": key });
    expect(again.status).toBe(202);
    expect(again.replayed).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect(await counts()).toEqual({ batches: before.batches + 1, conversions: before.conversions + 2 });
  });
});
