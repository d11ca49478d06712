/**
 * Conversion end to end on CPU with a model trained here with the trainer's tiny config: the API accepts audio
 * (multipart) or an uploaded file (JSON), the convert job writes a WAV at the model's rate that is as long as the
 * input, finite and not silent; +12 semitones doubles the measured pitch; index rate 0 and 1 both run; bad input
 * is refused with nothing left behind; a model in use cannot be deleted.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as list from "../../app/api/conversions/route";
import * as one from "../../app/api/conversions/[id]/route";
import * as audioRoute from "../../app/api/conversions/[id]/audio/route";
import * as inputRoute from "../../app/api/conversions/[id]/input/route";
import * as modelRoute from "../../app/api/models/[id]/route";
import type { ConversionParams } from "../../lib/conversion-params";
import { db } from "../../lib/db";
import { paths } from "../../lib/paths";
import { convert } from "../../worker/convert/job";
import { fftPlan, twoRealMagnitudes } from "../../worker/extract/fft";
import { resample } from "../../worker/dsp/resample";
import { decodeWav, encodeWavFloat32 } from "../../worker/dsp/wav";
import { CANCELLED, runJob, type JobHandler } from "../../worker/runner";
import { train } from "../../worker/train";
import { speechWav, tempDir } from "../helpers/audio-fixtures";
import { preparedExperiment, runInProcess, SENTENCES, trainerAvailable } from "../helpers/pipeline";
import { CONVERSION_DEFAULTS } from "../../lib/conversion-params";
import { convertVoice } from "../../worker/convert/convert";
import { getSession } from "../../worker/onnx/session";
import { call } from "../helpers/routes";
import { skipNote, tinyModels } from "../helpers/tiny-models";
import { authed } from "../helpers/auth";
import yauzl from "yauzl";
import * as batchRoute from "../../app/api/conversions/batch/route";
import * as batchOne from "../../app/api/conversions/batch/[id]/route";
import * as batchDownload from "../../app/api/conversions/batch/[id]/download/route";
import { BatchResponse } from "../../lib/api/batches";

/** Every entry of a zip held in memory (a test's small download), name → bytes, in the archive's order. */
function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zf) => {
      if (err || !zf) return reject(err);
      const out = new Map<string, Buffer>();
      zf.on("entry", (e: yauzl.Entry) =>
        zf.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            out.set(e.fileName, Buffer.concat(chunks));
            zf.readEntry();
          });
        }),
      );
      zf.on("end", () => resolve(out));
      zf.on("error", reject);
      zf.readEntry();
    }),
  );
}

const models = tinyModels();
const ready = models.ok && trainerAvailable();
const why = !trainerAvailable() ? " (skipped: /usr/bin/python3 lacks torch/faiss)" : skipNote(models);

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

let src: string;
let modelId: string;
let modelName: string;

async function postAudio(file: string, fields: Record<string, string>, name = path.basename(file)) {
  const form = new FormData();
  form.set("audio", new File([fs.readFileSync(file)], name));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await (list.POST as Handler)(authed("http://t/api/conversions", { method: "POST", body: form }), ctx());
  return { status: res.status, body: await res.json() };
}

/** Run the queued convert job in this process (no worker needed) and return the conversion as the API shows it. */
async function runConversion(conversion: { id: string; jobId: string }) {
  await runJob(conversion.jobId, convert, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
  return (await call(one.GET as Handler, "GET", { id: conversion.id })).body;
}

async function outputOf(id: string) {
  const res = await (audioRoute.GET as Handler)(authed(`http://t/api/conversions/${id}/audio`), ctx({ id }));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("audio/wav");
  return decodeWav(new Uint8Array(await res.arrayBuffer()));
}

/**
 * The strongest frequency between 100 and 350 Hz of the average power spectrum (Hann frames of 8192 at 16 kHz,
 * ≈2 Hz bins), skipping ±8 Hz around multiples of 100 Hz. The tiny model's output is too noisy for a frame-wise
 * estimator like YIN to call it voiced, but the pitch its NSF source is driven with stands out as a spectral peak;
 * its other peaks sit on harmonics of the 100 Hz frame rate (hop 320 at 32 kHz), which the test voice avoids.
 */
function dominantFrequency(y: Float32Array, rate: number): number {
  const n = 8192;
  const plan = fftPlan(n);
  const power = new Float64Array(n / 2 + 1);
  const re = new Float64Array(n), im = new Float64Array(n), a = new Float64Array(n / 2 + 1), b = new Float64Array(n / 2 + 1);
  for (let start = 0; start + n <= y.length; start += n / 2) {
    for (let i = 0; i < n; i++) {
      re[i] = y[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
      im[i] = 0;
    }
    twoRealMagnitudes(plan, re, im, a, b);
    for (let k = 0; k <= n / 2; k++) power[k] = power[k]! + a[k]! * a[k]!;
  }
  let best = -1;
  for (let k = Math.ceil((100 * n) / rate); k <= Math.floor((350 * n) / rate); k++) {
    const f = (k * rate) / n;
    if (Math.abs(f - 100 * Math.round(f / 100)) <= 8) continue;
    if (best < 0 || power[k]! > power[best]!) best = k;
  }
  return (best * rate) / n;
}

/** A buzzy synthetic voice: harmonics of 130 Hz with a slow vibrato and syllable-like amplitude, at 22.05 kHz. */
function syntheticVoice(file: string, seconds = 3, rate = 22050): string {
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    phase += (2 * Math.PI * 130 * (1 + 0.02 * Math.sin(2 * Math.PI * 5 * t))) / rate;
    let s = 0;
    for (let h = 1; h <= 12; h++) s += Math.sin(h * phase) / h;
    x[i] = 0.25 * s * (0.6 + 0.4 * Math.sin(2 * Math.PI * 2 * t));
  }
  fs.writeFileSync(file, encodeWavFloat32(x, rate));
  return file;
}

beforeAll(async () => {
  if (!ready) return;
  src = tempDir("vs-convert-");
  const exp = await preparedExperiment("convert-model", src);
  const j = await runInProcess(train, "train", exp.id, { epochs: 2, batchSize: 2, saveEvery: 1, pretrained: "none" });
  if (j.status !== "succeeded") throw new Error(`training the test model failed: ${j.error}`);
  const model = await db().voiceModel.findUniqueOrThrow({ where: { name: exp.name } });
  modelId = model.id;
  modelName = model.name;
}, 400_000);

afterAll(async () => {
  if (src) fs.rmSync(src, { recursive: true, force: true });
  await db().$disconnect();
});

describe.skipIf(!ready)(`conversion with a tiny trained model${why}`, () => {
  it("converts speech sent as multipart: WAV at the model's rate, as long as the input within a hop, finite, not silent", async () => {
    const speech = speechWav(src, "convert-in.wav", "The quick brown fox jumps over the lazy dog. Five wizards box quickly.");
    const res = await postAudio(speech, { modelId, f0Method: "rmvpe", pitch: "0" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const { conversion, job } = res.body;
    expect(conversion.status).toBe("queued");
    expect(conversion.params).toMatchObject({ pitch: 0, indexRate: 0.75, f0Method: "rmvpe", protect: 0.33, filterRadius: 3, rmsMixRate: 0.25 });
    expect(conversion.audioUrl).toBeNull();
    // not ready yet: 409 with the state
    const early = await (audioRoute.GET as Handler)(authed("http://t"), ctx({ id: conversion.id }));
    expect(early.status).toBe(409);

    const done = await runConversion({ id: conversion.id, jobId: job.id });
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(done.audioUrl).toBe(`/api/conversions/${conversion.id}/audio`);
    expect(done.sampleRate).toBe(32000);

    const input = decodeWav(fs.readFileSync(speech));
    const out = await outputOf(conversion.id);
    expect(out.sampleRate).toBe(32000);
    const y = out.channels[0]!;
    const expected = (input.channels[0]!.length / input.sampleRate) * 32000;
    expect(Math.abs(y.length - expected)).toBeLessThanOrEqual(320);
    expect(done.outputSeconds).toBeCloseTo(y.length / 32000, 6);
    let energy = 0;
    for (const v of y) {
      expect(Number.isFinite(v)).toBe(true);
      energy += v * v;
    }
    expect(Math.sqrt(energy / y.length)).toBeGreaterThan(1e-3);
    // players can seek: one byte range
    const head = await (audioRoute.GET as Handler)(authed("http://t", { headers: { range: "bytes=0-43" } }), ctx({ id: conversion.id }));
    expect(head.status).toBe(206);
    expect(head.headers.get("content-range")).toBe(`bytes 0-43/${44 + 2 * y.length}`);
    expect(Buffer.from(await head.arrayBuffer()).subarray(0, 4).toString()).toBe("RIFF");
    const dl = await (audioRoute.GET as Handler)(authed(`http://t/api/conversions/${conversion.id}/audio?download=1`), ctx({ id: conversion.id }));
    expect(dl.headers.get("content-disposition")).toMatch(/^attachment; filename="convert-in\.[\w-]+\.wav"/);
    // the input is kept for side-by-side listening
    const inRes = await (inputRoute.GET as Handler)(authed("http://t"), ctx({ id: conversion.id }));
    expect(Buffer.from(await inRes.arrayBuffer()).equals(fs.readFileSync(speech))).toBe(true);
    // and listed first in the history
    const hist = await call(list.GET as Handler, "GET");
    expect(hist.body.conversions[0].id).toBe(conversion.id);
  });

  it("+12 semitones moves the converted voice's measured pitch up an octave", async () => {
    const voice = syntheticVoice(path.join(src, "voice.wav"));
    const f0 = {} as Record<number, number>;
    for (const pitch of [0, 12]) {
      const res = await postAudio(voice, { modelId, f0Method: "yin", pitch: String(pitch), rmsMixRate: "1" });
      expect(res.status).toBe(202);
      const done = await runConversion({ id: res.body.conversion.id, jobId: res.body.job.id });
      expect(done.status, done.error ?? "").toBe("succeeded");
      const out = await outputOf(done.id);
      f0[pitch] = dominantFrequency(resample(out.channels[0]!, 32000, 16000), 16000);
    }
    // the input's 130 Hz (±2 % vibrato) comes through at pitch 0 …
    expect(f0[0]).toBeGreaterThan(120);
    expect(f0[0]).toBeLessThan(140);
    // … and doubles at +12
    expect(f0[12]! / f0[0]!).toBeGreaterThan(1.85);
    expect(f0[12]! / f0[0]!).toBeLessThan(2.15);
  });

  it("index rate 0 and 1 both run (JSON request with an uploaded file), and the log says whether retrieval was used", async () => {
    const file = await db().audioFile.findFirstOrThrow({ where: { experiment: { name: "convert-model" } } });
    for (const indexRate of [0, 1]) {
      const res = await call(list.POST as Handler, "POST", {}, { modelId, fileId: file.id, indexRate, f0Method: "yin" });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const done = await runConversion({ id: res.body.conversion.id, jobId: res.body.job.id });
      expect(done.status, done.error ?? "").toBe("succeeded");
      expect(done.inputName).toBe(file.originalName);
      const logs = (await db().jobEvent.findMany({ where: { jobId: res.body.job.id } })).map((e) => e.message ?? "");
      expect(logs.some((l) => (indexRate === 0 ? /retrieval off/.test(l) : /^index: \d+ vectors/.test(l)))).toBe(true);
    }
  });

  it("a long input is converted in windows: several segments, output exactly as long as the input", async () => {
    const dir = paths().modelDir(modelName);
    const onnx = fs.readdirSync(dir).find((f) => f.endsWith(".onnx"))!;
    const tm = tinyModels();
    if (!tm.ok) throw new Error(tm.reason);
    const models = { synth: await getSession(path.join(dir, onnx)), content: await getSession(tm.content768), rmvpe: null, index: null };
    const speech = decodeWav(fs.readFileSync(speechWav(src, "long.wav", SENTENCES.join(" ")))); // ≈ 12 s at 22.05 kHz
    const input = resample(speech.channels[0]!, speech.sampleRate, 16000);
    const chunks: Float32Array[] = [];
    const stages = new Set<string>();
    const r = await convertVoice(
      input,
      models,
      { params: { ...CONVERSION_DEFAULTS, f0Method: "yin" }, sampleRate: 32000, timing: { xPad: 1, xQuery: 1, xCenter: 3, xMax: 4 }, onProgress: (s) => stages.add(s) },
      { push: async (x) => void chunks.push(x) },
    );
    expect(r.segments).toBeGreaterThanOrEqual(3);
    expect(chunks.length).toBe(r.segments);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(Math.round(input.length * 2));
    expect([...stages]).toEqual(["pitch", "convert"]);
    // no segment is silent at its joins: every chunk carries signal
    for (const c of chunks) expect(c.some((v) => Math.abs(v) > 1e-4)).toBe(true);
  });

  it("a conversion cancelled while it runs ends cancelled, with no output and no scratch file", async () => {
    const speech = speechWav(src, "cancel.wav", SENTENCES.join(" "));
    const res = await postAudio(speech, { modelId, f0Method: "yin" });
    const cancel = new AbortController();
    // cancel exactly when the first segment starts (as the worker does on a user's cancel), whatever the machine's speed
    const cancelOnFirstSegment: JobHandler = (jobCtx) => {
      const progress = jobCtx.report.progress.bind(jobCtx.report);
      jobCtx.report.progress = (done, total, stage, unit) => {
        progress(done, total, stage, unit);
        if (stage === "convert") cancel.abort(CANCELLED);
      };
      return convert(jobCtx);
    };
    await runJob(res.body.job.id, cancelOnFirstSegment, { prisma: db(), workerId: "test", shutdown: new AbortController().signal, cancel });
    const after = (await call(one.GET as Handler, "GET", { id: res.body.conversion.id })).body;
    expect(after.status).toBe("cancelled");
    expect(after.audioUrl).toBeNull();
    expect(fs.readdirSync(paths().conversionDir(after.id)).filter((f) => !f.startsWith("input."))).toEqual([]);
  });

  it("a batch of 5 clips converts to 5 outputs, and its zip holds the 5 WAVs named after the inputs", async () => {
    const form = new FormData();
    form.set("modelId", modelId);
    form.set("f0Method", "yin");
    const names = [0, 1, 2, 3, 4].map((i) => `clip${i}.wav`);
    for (const [i, name] of names.entries()) form.append("audio", new File([fs.readFileSync(syntheticVoice(path.join(src, name), 0.8 + 0.2 * i))], name));
    const res = await (batchRoute.POST as Handler)(authed("http://t/api/conversions/batch", { method: "POST", body: form }), ctx());
    const batch = await res.json();
    expect(res.status, JSON.stringify(batch)).toBe(202);
    expect(batch.total).toBe(5);
    for (const c of batch.conversions) {
      const done = await runConversion({ id: c.id, jobId: c.jobId });
      expect(done.status, done.error ?? "").toBe("succeeded");
    }
    const after = BatchResponse.parse(await (await (batchOne.GET as Handler)(authed("http://t"), ctx({ id: batch.id }))).json());
    expect(after).toMatchObject({ status: "succeeded", total: 5, done: 5, failed: 0, progress: 1 });
    expect(after.finishedAt).not.toBeNull();
    expect(after.conversions.every((c) => c.audioUrl !== null)).toBe(true);

    const dl = await (batchDownload.GET as Handler)(authed("http://t"), ctx({ id: batch.id }));
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toBe("application/zip");
    const zipped = await unzip(Buffer.from(await dl.arrayBuffer()));
    expect([...zipped.keys()]).toEqual(names.map((n) => n.replace(/\.wav$/, `.${modelName}.wav`)));
    for (const [name, bytes] of zipped) {
      const wav = decodeWav(new Uint8Array(bytes));
      expect(wav.sampleRate, name).toBe(32000);
      const i = Number(/clip(\d)/.exec(name)![1]);
      expect(Math.abs(wav.channels[0]!.length - (0.8 + 0.2 * i) * 32000)).toBeLessThanOrEqual(320);
    }
  });

  it("refuses bad input with a clear error and leaves nothing behind", async () => {
    const before = await db().conversion.count();
    const dirs = () => (fs.existsSync(path.join(paths().dataRoot, "conversions")) ? fs.readdirSync(path.join(paths().dataRoot, "conversions")).length : 0);
    const dirsBefore = dirs();
    const text = path.join(src, "notes.wav");
    fs.writeFileSync(text, "these are my notes, not audio\n".repeat(50));
    const bad = await postAudio(text, { modelId });
    expect(bad.status).toBe(415);
    expect(bad.body.error.message).toMatch(/notes\.wav/);
    const short = path.join(src, "short.wav");
    fs.writeFileSync(short, encodeWavFloat32(new Float32Array(3200).fill(0.1), 16000));
    const tooShort = await postAudio(short, { modelId });
    expect(tooShort.status).toBe(422);
    expect(tooShort.body.error.message).toMatch(/0\.20 s long; a conversion needs at least 0\.5 s/);
    const speech = speechWav(src, "ok.wav", "hello there");
    expect((await postAudio(speech, { modelId, pitch: "3.5" })).body.error.code).toBe("invalid_pitch");
    expect((await postAudio(speech, { modelId, indexRate: "2" })).status).toBe(400);
    expect((await postAudio(speech, { modelId, f0Method: "crepe" })).body.error.message).toMatch(/f0Method must be one of rmvpe, yin/);
    expect((await postAudio(speech, { modelId: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    expect((await postAudio(speech, {})).body.error.code).toBe("missing_model");
    expect((await call(list.POST as Handler, "POST", {}, { modelId, fileId: "nope" })).status).toBe(404);
    expect((await call(list.POST as Handler, "POST", {}, { modelId })).body.error.code).toBe("missing_input");
    // a model whose ONNX export has not finished yet
    const pending = await db().voiceModel.create({ data: { name: "pending-export", sampleRate: 40000, version: "v2", files: [{ kind: "pth", name: "pending-export.pth", bytes: 1 }] } });
    const notReady = await postAudio(speech, { modelId: pending.id });
    expect(notReady.status).toBe(409);
    expect(notReady.body.error.message).toMatch(/no ONNX export yet/);
    await db().voiceModel.delete({ where: { id: pending.id } });
    expect(await db().conversion.count()).toBe(before);
    expect(dirs()).toBe(dirsBefore);
  });

  it("a model used by a queued conversion cannot be deleted; once it finished, deleting removes files and row but keeps the history", async () => {
    const speech = speechWav(src, "last.wav", "One more sentence to convert.");
    const res = await postAudio(speech, { modelId, f0Method: "yin" });
    expect(res.status).toBe(202);
    const refused = await call(modelRoute.DELETE as Handler, "DELETE", { id: modelId });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("model_busy");
    expect(fs.existsSync(paths().modelDir(modelName))).toBe(true);
    // a running conversion cannot be removed from the history either
    expect((await call(one.DELETE as Handler, "DELETE", { id: res.body.conversion.id })).status).toBe(409);

    const done = await runConversion({ id: res.body.conversion.id, jobId: res.body.job.id });
    expect(done.status).toBe("succeeded");
    expect((await call(modelRoute.DELETE as Handler, "DELETE", { id: modelId })).status).toBe(204);
    expect(fs.existsSync(paths().modelDir(modelName))).toBe(false);
    expect(await db().voiceModel.findUnique({ where: { id: modelId } })).toBeNull();
    const after = (await call(one.GET as Handler, "GET", { id: done.id })).body;
    expect(after.model).toBeNull();
    expect((await outputOf(done.id)).sampleRate).toBe(32000);
    // history entries can be removed, files included
    expect((await call(one.DELETE as Handler, "DELETE", { id: done.id })).status).toBe(204);
    expect(fs.existsSync(paths().conversionDir(done.id))).toBe(false);
    expect((await call(one.GET as Handler, "GET", { id: done.id })).status).toBe(404);
  });
});

// keep the params type honest: every field of the API's params is a ConversionParams key
const _params: (keyof ConversionParams)[] = ["pitch", "indexRate", "f0Method", "protect", "filterRadius", "rmsMixRate"];
void _params;
