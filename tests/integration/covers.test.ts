/**
 * Song covers end to end (issue 19, part 2): POST /api/covers (multipart and JSON) → the `cover` job in this process
 * with the band-zeroing MDX stand-in (scripts/make-mdx-models.py) and a randomly initialised tiny RVC model
 * (scripts/make-random-model.py) → the mix at the input's rate, length and channels, its stems served with Range;
 * the caches seen from the job's events (a second cover with other gains only mixes; other conversion settings
 * re-convert without re-separating); the refusal without the separation model; a cancel that leaves no cache entry.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as coversRoute from "../../app/api/covers/route";
import * as conversionsRoute from "../../app/api/conversions/route";
import * as one from "../../app/api/conversions/[id]/route";
import * as audioRoute from "../../app/api/conversions/[id]/audio/route";
import * as stemRoute from "../../app/api/conversions/[id]/stems/[stem]/route";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { paths } from "../../lib/paths";
import { ingestAudio } from "../../lib/uploads/ingest";
import { cover } from "../../worker/cover/job";
import { LIMIT_KNEE } from "../../worker/cover/mix";
import { decodeWav, encodeWavFloat32 } from "../../worker/dsp/wav";
import { disposeSessions } from "../../worker/onnx/session";
import { CANCELLED, runJob } from "../../worker/runner";
import { tempDir } from "../helpers/audio-fixtures";
import { authed } from "../helpers/auth";
import { installBandModel, mdxModels, mdxSkipNote } from "../helpers/mdx-models";
import { installTinyModels } from "../helpers/pipeline";
import { call } from "../helpers/routes";
import { tinyModels } from "../helpers/tiny-models";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

const mdx = mdxModels();
const tiny = tinyModels();
const hasTorch = (() => {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch, onnx"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const ready = mdx.ok && tiny.ok && hasTorch;
const why = !hasTorch ? " (skipped: /usr/bin/python3 lacks torch/onnx)" : !tiny.ok ? ` (skipped: ${tiny.reason})` : mdxSkipNote(mdx);

const dir = tempDir("vs-covers-");
// points SEPARATION_MODEL_PATH at the band stand-in before anything reads the configuration
const sepModel = installBandModel(mdx, dir);
const modelFile = sepModel.file;
const { withoutModel } = sepModel;

let modelId: string;
const MODEL = `cover-voice-${Date.now().toString(36)}`;

beforeAll(async () => {
  if (!ready) return;
  installTinyModels(tiny);
  const out = paths().modelDir(MODEL);
  fs.mkdirSync(out, { recursive: true });
  execFileSync("/usr/bin/python3", ["scripts/make-random-model.py", "--tiny", "--index-rows", "0", "--out", out, "--name", MODEL], { stdio: "ignore" });
  const onnx = `${MODEL}.onnx`;
  const m = await db().voiceModel.create({
    data: { name: MODEL, sampleRate: 32000, version: "v2", files: [{ kind: "onnx", name: onnx, bytes: fs.statSync(path.join(out, onnx)).size }] },
  });
  modelId = m.id;
}, 120_000);

afterAll(async () => {
  await disposeSessions();
  sepModel.restore();
  fs.rmSync(dir, { recursive: true, force: true });
  await db().$disconnect();
});

/** A "song": a buzzy voice-like tone (harmonics of 150 Hz) over a 1.5 kHz tone (the band the stand-in calls accompaniment). */
function song(name: string, opts: { seconds: number; rate: number; channels: 1 | 2; seed?: number }): string {
  const n = Math.round(opts.seconds * opts.rate);
  const f0 = 150 + (opts.seed ?? 0);
  const chans = Array.from({ length: opts.channels }, (_, c) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = i / opts.rate;
      let v = 0;
      for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
      x[i] = 0.15 * v * (0.6 + 0.4 * Math.sin(2 * Math.PI * 1.5 * t)) + (0.2 + 0.05 * c) * Math.sin(2 * Math.PI * 1500 * t);
    }
    return x;
  });
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeWavFloat32(chans, opts.rate));
  return file;
}

async function postCover(file: string, fields: Record<string, string>) {
  const form = new FormData();
  form.set("audio", new File([fs.readFileSync(file)], path.basename(file)));
  form.set("modelId", modelId);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await (coversRoute.POST as Handler)(authed("http://t/api/covers", { method: "POST", body: form }), ctx());
  return { status: res.status, body: await res.json() };
}

async function runCover(accepted: { conversion: { id: string }; job: { id: string } }, cancel?: AbortController) {
  await runJob(accepted.job.id, cover, { prisma: db(), workerId: "test", shutdown: new AbortController().signal, ...(cancel ? { cancel, reporter: { intervalMs: 10 } } : {}) });
  const job = await db().job.findUniqueOrThrow({ where: { id: accepted.job.id } });
  const conversion = (await call(one.GET as Handler, "GET", { id: accepted.conversion.id })).body;
  return { job, conversion };
}

/** The job's metric events that say whether a step ran or came from the cache. */
async function steps(jobId: string): Promise<Record<string, boolean>> {
  const events = await db().jobEvent.findMany({ where: { jobId, kind: "metric" }, orderBy: { id: "asc" } });
  const out: Record<string, boolean> = {};
  for (const e of events) {
    const d = e.data as { stage?: string; cached?: boolean };
    if (d.stage && typeof d.cached === "boolean") out[d.stage] = d.cached;
  }
  return out;
}

async function progressStages(jobId: string) {
  const events = await db().jobEvent.findMany({ where: { jobId, kind: "progress" }, orderBy: { id: "asc" } });
  return events.map((e) => e.data as { stage: string; unit: string | null; done: number; total: number });
}

async function fetchWav(handler: Handler, id: string, extra: Record<string, string> = {}) {
  const res = await handler(authed("http://t"), ctx({ id, ...extra }));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("audio/wav");
  return decodeWav(new Uint8Array(await res.arrayBuffer()));
}

describe.skipIf(!ready)(`song covers${why}`, () => {
  let first: { id: string; jobId: string };
  let songFile: string;

  it("refuses without the separation model, naming the file; nothing stored or queued", async () => {
    const exp = await createExperiment({ name: "cover-src", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const row = await ingestAudio(song("upload.wav", { seconds: 1, rate: 44100, channels: 2 }), exp.id, "upload.wav");
    const before = { rows: await db().conversion.count(), jobs: await db().job.count({ where: { kind: "cover" } }) };
    await withoutModel(async () => {
      const json = await call(coversRoute.POST as Handler, "POST", {}, { modelId, fileId: row.id });
      expect(json.status).toBe(503);
      expect(json.body.error.code).toBe("separation_model_missing");
      expect(json.body.error.message).toContain(modelFile);
      expect(json.body.error.details.path).toBe(modelFile);
      const multi = await postCover(song("refused.wav", { seconds: 1, rate: 44100, channels: 1 }), {});
      expect(multi.status).toBe(503);
      expect(multi.body.error.code).toBe("separation_model_missing");
    });
    expect({ rows: await db().conversion.count(), jobs: await db().job.count({ where: { kind: "cover" } }) }).toEqual(before);
    expect(fs.readdirSync(paths().dataRoot).includes("request-bodies") ? fs.readdirSync(path.join(paths().dataRoot, "request-bodies")) : []).toEqual([]);

    // bad mix settings are 400s naming the field; JSON with an uploaded file is accepted
    const loud = await call(coversRoute.POST as Handler, "POST", {}, { modelId, fileId: row.id, vocalsGain: 13 });
    expect(loud.status).toBe(400);
    expect(loud.body.error.code).toBe("invalid_vocalsGain");
    const half = await call(coversRoute.POST as Handler, "POST", {}, { modelId, fileId: row.id, accompanimentPitch: 1.5 });
    expect(half.body.error.code).toBe("invalid_accompanimentPitch");
    const ok = await call(coversRoute.POST as Handler, "POST", {}, { modelId, fileId: row.id, f0Method: "yin", accompanimentGain: -3 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    expect(ok.body.job.kind).toBe("cover");
    expect(ok.body.conversion).toMatchObject({ mode: "cover", cover: { vocalsGain: 0, accompanimentGain: -3, accompanimentPitch: 0 }, stems: null, inputName: "upload.wav" });
    await db().job.update({ where: { id: ok.body.job.id }, data: { status: "cancelled" } });

    // Idempotency-Key: the same request again is the first answer, not a second cover
    const send = () =>
      (coversRoute.POST as Handler)(
        authed("http://t/api/covers", { method: "POST", headers: { "content-type": "application/json", "idempotency-key": "cover-once" }, body: JSON.stringify({ modelId, fileId: row.id, f0Method: "yin" }) }),
        ctx(),
      );
    const once = await send();
    const twice = await send();
    expect(once.status).toBe(202);
    expect(twice.headers.get("idempotent-replayed")).toBe("true");
    const [a, b] = [await once.json(), await twice.json()];
    expect(b.conversion.id).toBe(a.conversion.id);
    await db().job.update({ where: { id: a.job.id }, data: { status: "cancelled" } });
  });

  it("a stereo 48 kHz song → a stereo 48 kHz mix exactly as long as the input; stems 404 before, served with Range after", async () => {
    songFile = song("song48.wav", { seconds: 3, rate: 48000, channels: 2 });
    const res = await postCover(songFile, { f0Method: "yin", vocalsGain: "0", accompanimentGain: "0" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.conversion).toMatchObject({ mode: "cover", status: "queued", stems: null, cover: { vocalsGain: 0, accompanimentGain: 0, accompanimentPitch: 0 } });
    const id = res.body.conversion.id;
    const early = await call(stemRoute.GET as Handler, "GET", { id, stem: "vocals" });
    expect(early.status).toBe(404);
    expect(early.body.error.code).toBe("stem_not_found");

    const { job, conversion } = await runCover(res.body);
    expect(job.status, job.error ?? "").toBe("succeeded");
    first = { id, jobId: job.id };
    expect(await steps(job.id)).toEqual({ separating: false, converting: false, mixing: false });
    const stages = await progressStages(job.id);
    expect(stages.some((s) => s.stage === "separating" && s.unit === "chunks")).toBe(true);
    expect(stages.some((s) => s.stage === "converting")).toBe(true);
    expect(stages.at(-1)).toMatchObject({ stage: "mixing", done: 4, total: 4 });

    const input = decodeWav(fs.readFileSync(songFile));
    const n = input.channels[0]!.length;
    expect(conversion).toMatchObject({ status: "succeeded", sampleRate: 48000, audioUrl: `/api/conversions/${id}/audio` });
    expect(conversion.outputSeconds).toBeCloseTo(n / 48000, 9);
    expect(conversion.stems).toEqual({ vocals: `/api/conversions/${id}/stems/vocals`, accompaniment: `/api/conversions/${id}/stems/accompaniment` });
    const mix = await fetchWav(audioRoute.GET as Handler, id);
    const vocals = await fetchWav(stemRoute.GET as Handler, id, { stem: "vocals" });
    const acc = await fetchWav(stemRoute.GET as Handler, id, { stem: "accompaniment" });
    for (const w of [mix, vocals, acc]) {
      expect(w.sampleRate).toBe(48000);
      expect(w.channels).toHaveLength(2);
      for (const c of w.channels) expect(c.length).toBe(n);
    }
    // the mix is the sum of its stems wherever the limiter did not bend it; it never clips; the voice is not silent
    let err = 0, peak = 0, energy = 0;
    for (let ch = 0; ch < 2; ch++) {
      for (let i = 0; i < n; i++) {
        const s = vocals.channels[ch]![i]! + acc.channels[ch]![i]!;
        if (Math.abs(s) < LIMIT_KNEE) err = Math.max(err, Math.abs(mix.channels[ch]![i]! - s));
        peak = Math.max(peak, Math.abs(mix.channels[ch]![i]!));
        energy += vocals.channels[ch]![i]! ** 2;
      }
    }
    expect(err).toBeLessThan(1e-6);
    expect(peak).toBeLessThan(1);
    expect(Math.sqrt(energy / (2 * n))).toBeGreaterThan(1e-4);
    // the accompaniment is the band the stand-in zeroes: the 1.5 kHz tone at 48 kHz (away from the edges)
    let bandErr = 0;
    for (let i = 40_000; i < 41_000; i++) bandErr = Math.max(bandErr, Math.abs(acc.channels[1]![i]! - 0.25 * Math.sin((2 * Math.PI * 1500 * i) / 48000)));
    expect(bandErr).toBeLessThan(0.02);

    // Range and download, as /audio
    const part = await (stemRoute.GET as Handler)(authed("http://t", { headers: { range: "bytes=0-3" } }), ctx({ id, stem: "accompaniment" }));
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).toString("ascii")).toBe("RIFF");
    const dl = await (stemRoute.GET as Handler)(authed(`http://t/api/conversions/${id}/stems/vocals?download=1`), ctx({ id, stem: "vocals" }));
    expect(dl.headers.get("content-disposition")).toMatch(/^attachment; filename="song48\..+\(vocals\)\.wav"/);
    await dl.arrayBuffer();
    const bad = await call(stemRoute.GET as Handler, "GET", { id, stem: "drums" });
    expect(bad.status).toBe(400);
    // listed with the conversions, as a cover
    const list = await call(conversionsRoute.GET as Handler, "GET");
    expect(list.body.conversions.find((c: { id: string }) => c.id === id)?.mode).toBe("cover");
  });

  it("the same song again with other gains only mixes (separation and conversion cached), the stems scaled by the gains", async () => {
    const res = await postCover(songFile, { f0Method: "yin", vocalsGain: "-6", accompanimentGain: "3" });
    expect(res.status).toBe(202);
    const { job } = await runCover(res.body);
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect(await steps(job.id)).toEqual({ separating: true, converting: true, mixing: false });
    const stages = await progressStages(job.id);
    expect(stages.some((s) => s.unit === "chunks" || s.unit === "audio s")).toBe(false);
    const logs = await db().jobEvent.findMany({ where: { jobId: job.id, kind: "log" } });
    expect(logs.some((l) => /^separation: cached/.test(l.message ?? ""))).toBe(true);

    const id = res.body.conversion.id;
    const [v1, a1] = [await fetchWav(stemRoute.GET as Handler, first.id, { stem: "vocals" }), await fetchWav(stemRoute.GET as Handler, first.id, { stem: "accompaniment" })];
    const [v2, a2] = [await fetchWav(stemRoute.GET as Handler, id, { stem: "vocals" }), await fetchWav(stemRoute.GET as Handler, id, { stem: "accompaniment" })];
    const i = 50_000;
    expect(v2.channels[0]![i]!).toBeCloseTo(v1.channels[0]![i]! * 10 ** (-6 / 20), 5);
    expect(a2.channels[1]![i]!).toBeCloseTo(a1.channels[1]![i]! * 10 ** (3 / 20), 5);
  });

  it("other conversion settings re-convert without re-separating; a dead cover's work folder is cleared, a live one's kept", async () => {
    const cache = path.join(paths().dataRoot, "cache");
    const dead = path.join(cache, `.work-${crypto.randomUUID()}`);
    const queued = await db().job.create({ data: { kind: "cover", params: {} } });
    const live = path.join(cache, `.work-${queued.id}`);
    for (const d of [dead, live]) fs.mkdirSync(path.join(d, "separate"), { recursive: true });
    const res = await postCover(songFile, { f0Method: "yin", pitch: "5" });
    const { job } = await runCover(res.body);
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect(await steps(job.id)).toEqual({ separating: true, converting: false, mixing: false });
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    fs.rmSync(live, { recursive: true });
    await db().job.update({ where: { id: queued.id }, data: { status: "cancelled" } });
  });

  it("a mono 22.05 kHz song → a mono 22.05 kHz mix of exactly its length; the accompaniment transposed", async () => {
    const file = song("mono22.wav", { seconds: 2.5, rate: 22050, channels: 1, seed: 7 });
    const res = await postCover(file, { f0Method: "yin", accompanimentPitch: "-12" });
    expect(res.status).toBe(202);
    const { job, conversion } = await runCover(res.body);
    expect(job.status, job.error ?? "").toBe("succeeded");
    const n = decodeWav(fs.readFileSync(file)).channels[0]!.length;
    const mix = await fetchWav(audioRoute.GET as Handler, conversion.id);
    expect(mix.sampleRate).toBe(22050);
    expect(mix.channels).toHaveLength(1);
    expect(mix.channels[0]!.length).toBe(n);
    expect(conversion).toMatchObject({ sampleRate: 22050, cover: { accompanimentPitch: -12 } });
    // the 1.5 kHz tone the stand-in leaves in the accompaniment is now at 750 Hz
    const acc = (await fetchWav(stemRoute.GET as Handler, conversion.id, { stem: "accompaniment" })).channels[0]!;
    const power = (f: number) => {
      let re = 0, im = 0;
      for (let i = 11025; i < 44100; i++) {
        re += acc[i]! * Math.cos((2 * Math.PI * f * i) / 22050);
        im += acc[i]! * Math.sin((2 * Math.PI * f * i) / 22050);
      }
      return re * re + im * im;
    };
    expect(power(750)).toBeGreaterThan(100 * power(1500));
    expect(conversion.outputSeconds).toBeCloseTo(n / 22050, 9);
  });

  it("a voice conversion has no stems (404 stem_not_found)", async () => {
    const form = new FormData();
    form.set("audio", new File([fs.readFileSync(songFile)], "voice.wav"));
    form.set("modelId", modelId);
    const res = await (conversionsRoute.POST as Handler)(authed("http://t/api/conversions", { method: "POST", body: form }), ctx());
    const body = await res.json();
    expect(res.status).toBe(202);
    expect(body.conversion).toMatchObject({ mode: "voice", cover: null, stems: null });
    expect(body.job.kind).toBe("convert");
    const stem = await call(stemRoute.GET as Handler, "GET", { id: body.conversion.id, stem: "accompaniment" });
    expect(stem.status).toBe(404);
    expect(stem.body.error.code).toBe("stem_not_found");
    await db().job.update({ where: { id: body.job.id }, data: { status: "cancelled" } });
  });

  it("a cancel while separating ends the cover as cancelled and leaves no cache entry or work folder", async () => {
    const cache = path.join(paths().dataRoot, "cache");
    const list = (sub: string) => (fs.existsSync(path.join(cache, sub)) ? fs.readdirSync(path.join(cache, sub)).sort() : []);
    const before = { separate: list("separate"), convert: list("convert") };
    const res = await postCover(song("long.wav", { seconds: 40, rate: 44100, channels: 2, seed: 3 }), { f0Method: "yin" });
    expect(res.status).toBe(202);
    const cancel = new AbortController();
    const watch = (async () => {
      for (let i = 0; i < 3000 && !cancel.signal.aborted; i++) {
        const seen = await db().jobEvent.findFirst({ where: { jobId: res.body.job.id, kind: "progress", data: { path: ["unit"], equals: "chunks" } } });
        if (seen) return cancel.abort(CANCELLED);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const { job, conversion } = await runCover(res.body, cancel);
    await watch;
    expect(job.status).toBe("cancelled");
    expect(conversion).toMatchObject({ status: "cancelled", audioUrl: null, stems: null });
    expect({ separate: list("separate"), convert: list("convert") }).toEqual(before);
    expect(fs.readdirSync(cache).filter((n) => n.startsWith(".work-"))).toEqual([]);
  });
});
