// Vocal isolation end to end (issue 19): an upload → POST …/files/{id}/separate → the separate job with the MDX-shaped
// band-zeroing stand-in (scripts/make-mdx-models.py; its parameters through SEPARATION_MODEL_PARAMS) → stems beside
// the upload that sum to the mix, the upload byte-identical, useVocals set, the stems served with Range; and the
// refusals without the model file, which name it.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as separateRoute from "../../app/api/experiments/[name]/files/[id]/separate/route";
import * as stemRoute from "../../app/api/experiments/[name]/files/[id]/stems/[stem]/route";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { paths } from "../../lib/paths";
import { ingestAudio } from "../../lib/uploads/ingest";
import { decodeWav, encodeWavFloat32 } from "../../worker/dsp/wav";
import { disposeSessions } from "../../worker/onnx/session";
import { CANCELLED, runJob } from "../../worker/runner";
import { preprocess } from "../../worker/preprocess";
import { separate } from "../../worker/separate/job";
import { testSignal } from "../../worker/separate/test-signal";
import { tempDir } from "../helpers/audio-fixtures";
import { withAuth } from "../helpers/auth";
import { installBandModel, mdxModels, mdxSkipNote } from "../helpers/mdx-models";
import { call } from "../helpers/routes";

const models = mdxModels();
const dir = tempDir("vs-separate-");
// points SEPARATION_MODEL_PATH at the band stand-in before anything reads the configuration
const sepModel = installBandModel(models, dir);
const modelFile = sepModel.file;
const { withoutModel } = sepModel;

afterAll(async () => {
  await disposeSessions();
  sepModel.restore();
  fs.rmSync(dir, { recursive: true, force: true });
  await db().$disconnect();
});

function src2(): string {
  const s = testSignal(44100 + 7);
  const f = path.join(dir, "other.wav");
  fs.writeFileSync(f, encodeWavFloat32([s.right, s.left], 44100));
  return f;
}

const shaOf = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

async function runSeparate(jobId: string) {
  await runJob(jobId, separate, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
  return db().job.findUniqueOrThrow({ where: { id: jobId } });
}

describe.skipIf(!models.ok)(`separate job and routes${mdxSkipNote(models)}`, () => {
  it("upload → separate → stems that sum to the mix beside the unchanged upload; refusals name the missing model", async () => {
    const exp = await createExperiment({ name: "sep-song", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const sig = testSignal(3 * 44100 + 123);
    const src = path.join(dir, "song.wav");
    fs.writeFileSync(src, encodeWavFloat32([sig.left, sig.right], 44100));
    const row = await ingestAudio(src, exp.id, "song.wav");
    const upload = paths().uploadFile(exp.name, row.storedName);
    const before = shaOf(upload);
    expect(before).toBe(row.sha256);

    // without the model file: 503 naming it and the command that fetches it; nothing queued
    const refused = await withoutModel(() => call(separateRoute.POST as never, "POST", { name: exp.name, id: row.id }, {}));
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe("separation_model_missing");
    expect(refused.body.error.message).toContain(modelFile);
    expect(refused.body.error.message).toContain("npm run assets");
    expect(refused.body.error.details.path).toBe(modelFile);
    expect(await db().job.count({ where: { kind: "separate", experimentId: exp.id } })).toBe(0);

    const bad = await call(separateRoute.POST as never, "POST", { name: exp.name, id: row.id }, { model: "x" });
    expect(bad.status).toBe(400);
    const none = await call(separateRoute.POST as never, "POST", { name: exp.name, id: "0b3c8a9e-0000-4000-8000-000000000000" }, {});
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe("file_not_found");

    const queued = await call(separateRoute.POST as never, "POST", { name: exp.name, id: row.id }, {});
    expect(queued.status).toBe(202);
    expect(queued.body.job.kind).toBe("separate");
    const again = await call(separateRoute.POST as never, "POST", { name: exp.name, id: row.id }, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("job_active");

    // another file of the experiment may be queued meanwhile (one active separate job per file)
    const other = await ingestAudio(src2(), exp.id, "other.wav");
    const second = await call(separateRoute.POST as never, "POST", { name: exp.name, id: other.id }, {});
    expect(second.status).toBe(202);
    await db().job.update({ where: { id: second.body.job.id }, data: { status: "cancelled" } });

    const job = await runSeparate(queued.body.job.id);
    expect(job.status, job.error ?? "").toBe("succeeded");
    const events = await db().jobEvent.findMany({ where: { jobId: job.id, kind: "progress" }, orderBy: { id: "asc" } });
    const chunkEvents = events.map((e) => e.data as { stage?: string; done?: number; total?: number }).filter((d) => d.stage === "separating");
    const chunks = (job.result as { chunks: number }).chunks;
    expect(chunks).toBeGreaterThan(3);
    expect(chunkEvents.length).toBeGreaterThanOrEqual(1);
    expect(chunkEvents.at(-1)).toMatchObject({ done: chunks, total: chunks });

    // the stems: float32 stereo 44.1 kHz, as long as the mix, summing to it; the band (1.29–1.72 kHz) is accompaniment
    const v = decodeWav(fs.readFileSync(paths().stemFile(exp.name, row.id, "vocals")));
    const a = decodeWav(fs.readFileSync(paths().stemFile(exp.name, row.id, "accompaniment")));
    expect(v.sampleRate).toBe(44100);
    expect(v.channels).toHaveLength(2);
    expect(v.channels[0]!.length).toBe(sig.left.length);
    expect(a.channels[1]!.length).toBe(sig.left.length);
    let sumErr = 0;
    for (let i = 0; i < sig.left.length; i++) {
      sumErr = Math.max(sumErr, Math.abs(v.channels[0]![i]! + a.channels[0]![i]! - sig.left[i]!), Math.abs(v.channels[1]![i]! + a.channels[1]![i]! - sig.right[i]!));
    }
    expect(sumErr).toBeLessThan(1e-6);
    let bandErr = 0;
    for (let i = 60_000; i < 61_000; i++) bandErr = Math.max(bandErr, Math.abs(a.channels[1]![i]! - 0.25 * Math.sin((2 * Math.PI * 1500 * i) / 44100)));
    expect(bandErr).toBeLessThan(1e-3);

    // the upload is byte-identical; the flag is set; no work files are left
    expect(shaOf(upload)).toBe(before);
    expect((await db().audioFile.findUniqueOrThrow({ where: { id: row.id } })).useVocals).toBe(true);
    expect(fs.readdirSync(paths().stemsDir(exp.name, row.id)).sort()).toEqual(["accompaniment.wav", "vocals.wav"]);

    // served with Range
    const params = { params: Promise.resolve({ name: exp.name, id: row.id, stem: "vocals" }) };
    const whole = await stemRoute.GET(new Request("http://test.local/api", withAuth()), params as never);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/wav");
    expect(Number(whole.headers.get("content-length"))).toBe(fs.statSync(paths().stemFile(exp.name, row.id, "vocals")).size);
    await whole.arrayBuffer();
    const part = await stemRoute.GET(new Request("http://test.local/api", withAuth({ headers: { range: "bytes=0-3" } })), params as never);
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).toString("ascii")).toBe("RIFF");
    const badStem = await call(stemRoute.GET as never, "GET", { name: exp.name, id: row.id, stem: "drums" });
    expect(badStem.status).toBe(400);

    // preprocess now reads the vocal stem: its source key says so, and the job succeeds on it
    const pre = await db().job.create({ data: { kind: "preprocess", experimentId: exp.id } });
    await runJob(pre.id, preprocess, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
    expect((await db().job.findUniqueOrThrow({ where: { id: pre.id } })).status).toBe("succeeded");
    const manifest = JSON.parse(fs.readFileSync(path.join(paths().experimentDir(exp.name), "preprocess.json"), "utf8")) as { sources: Record<string, { sha256: string; status: string }> };
    expect(manifest.sources[row.id]).toMatchObject({ sha256: `${row.sha256}+vocals`, status: "done" });

    // a job that finds no model (removed after queueing) fails naming the file; the stems of the last run stay
    const lost = await db().job.create({ data: { kind: "separate", experimentId: exp.id, params: { fileId: row.id } } });
    const failed = await withoutModel(() => runSeparate(lost.id));
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain(modelFile);
    expect((failed.result as { error: { code: string } }).error.code).toBe("separation_model_missing");
    expect(fs.existsSync(paths().stemFile(exp.name, row.id, "vocals"))).toBe(true);
  });

  it("a cancel is honoured between chunks: no stems, no work files, the flag unchanged", async () => {
    const exp = await createExperiment({ name: "sep-cancel", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const sig = testSignal(40 * 44100); // ~64 chunks of the stand-in
    const src = path.join(dir, "long.wav");
    fs.writeFileSync(src, encodeWavFloat32([sig.left, sig.right], 44100));
    const row = await ingestAudio(src, exp.id, "long.wav");
    const job = await db().job.create({ data: { kind: "separate", experimentId: exp.id, params: { fileId: row.id } } });
    const cancel = new AbortController();
    const watch = (async () => {
      for (let i = 0; i < 2000 && !cancel.signal.aborted; i++) {
        const seen = await db().jobEvent.findFirst({ where: { jobId: job.id, kind: "progress", data: { path: ["stage"], equals: "separating" } } });
        if (seen) return cancel.abort(CANCELLED);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await runJob(job.id, separate, { prisma: db(), workerId: "test", shutdown: new AbortController().signal, cancel, reporter: { intervalMs: 10 } });
    await watch;
    const done = await db().job.findUniqueOrThrow({ where: { id: job.id } });
    expect(done.status).toBe("cancelled");
    const last = await db().jobEvent.findFirst({ where: { jobId: job.id, kind: "progress" }, orderBy: { id: "desc" } });
    expect((last?.data as { done: number; total: number }).done).toBeLessThan((last?.data as { total: number }).total);
    const stems = paths().stemsDir(exp.name, row.id);
    expect(fs.existsSync(stems) ? fs.readdirSync(stems) : []).toEqual([]);
    expect((await db().audioFile.findUniqueOrThrow({ where: { id: row.id } })).useVocals).toBe(false);
  });

  it("a stem before any separation is 404 stem_not_found", async () => {
    const exp = await createExperiment({ name: "sep-none", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const sig = testSignal(44100);
    const src = path.join(dir, "short.wav");
    fs.writeFileSync(src, encodeWavFloat32([sig.left, sig.right], 44100));
    const row = await ingestAudio(src, exp.id, "short.wav");
    const res = await call(stemRoute.GET as never, "GET", { name: exp.name, id: row.id, stem: "accompaniment" });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("stem_not_found");
  });
});
