import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { paths } from "../../lib/paths";
import { decodeWav } from "../../worker/dsp/wav";
import { preprocess } from "../../worker/preprocess";
import { CANCELLED, runJob } from "../../worker/runner";
import { sineWav, speechWav, sox, tempDir } from "../helpers/audio-fixtures";

let src: string;
beforeAll(() => {
  src = tempDir("vs-pre-");
});
afterAll(async () => {
  fs.rmSync(src, { recursive: true, force: true });
  await db().$disconnect();
});

/** Put a file into the experiment's uploads as the upload path would, with its AudioFile row. */
async function addUpload(experimentId: string, name: string, file: string, durationSec: number | null) {
  const exp = await db().experiment.findUniqueOrThrow({ where: { id: experimentId } });
  const bytes = fs.readFileSync(file);
  const storedName = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${path.extname(name)}`;
  fs.mkdirSync(paths().experimentUploads(exp.name), { recursive: true });
  fs.copyFileSync(file, paths().uploadFile(exp.name, storedName));
  return db().audioFile.create({
    data: {
      experimentId,
      originalName: name,
      storedName,
      bytes: BigInt(bytes.length),
      durationSec,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    },
  });
}

async function run(experimentId: string, cancel?: AbortController) {
  const job = await db().job.create({ data: { kind: "preprocess", experimentId } });
  await runJob(job.id, preprocess, { prisma: db(), workerId: "test", shutdown: new AbortController().signal, cancel });
  return db().job.findUniqueOrThrow({ where: { id: job.id } });
}

const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe("preprocess job", () => {
  it("turns speech into RVC's gt/16k chunk files, and fails bad files alone with a reason", async () => {
    const exp = await createExperiment({ name: "pre-speech", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const text = "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. It is easy to tell the depth of a well. These days a chicken leg is a rare dish.";
    const speech = sox(src, speechWav(src, "s.wav", text), "speech44.wav", "-r", "44100");
    await addUpload(exp.id, "speech.wav", speech, 9);
    await addUpload(exp.id, "silence.wav", sineWav(src, "silent.wav", { seconds: 3, amp: 0 }), 3);
    await addUpload(exp.id, "short.wav", sineWav(src, "short.wav", { seconds: 0.2 }), 0.2);
    fs.writeFileSync(path.join(src, "text.wav"), "this is not audio at all\n".repeat(20));
    await addUpload(exp.id, "corrupt.wav", path.join(src, "text.wav"), null);

    const job = await run(exp.id);
    expect(job.status).toBe("succeeded");
    const result = job.result as { chunks: number; failed: { file: string; error: string }[]; files: number };
    expect(result.files).toBe(4);
    expect(result.failed.map((f) => f.file).sort()).toEqual(["corrupt.wav", "short.wav", "silence.wav"]);
    expect(result.failed.find((f) => f.file === "silence.wav")!.error).toMatch(/silent/);
    expect(result.failed.find((f) => f.file === "short.wav")!.error).toMatch(/too short \(0\.20 s\)/);
    expect(result.failed.find((f) => f.file === "corrupt.wav")!.error.length).toBeGreaterThan(5);

    const gt = list(paths().experimentSubdir("pre-speech", "gtWavs"));
    const w16 = list(paths().experimentSubdir("pre-speech", "wavs16k"));
    expect(gt.length).toBe(result.chunks);
    expect(gt.length).toBeGreaterThanOrEqual(2);
    expect(w16).toEqual(gt);
    // consecutive indices for the one good file (idx0 0), nothing overwritten
    expect(gt.map((n) => n).sort((a, b) => Number(a.split(/[_.]/)[1]) - Number(b.split(/[_.]/)[1]))).toEqual(
      gt.map((_, i) => `0_${i}.wav`),
    );
    const first = decodeWav(fs.readFileSync(path.join(paths().experimentSubdir("pre-speech", "gtWavs"), "0_0.wav")));
    expect(first.sampleRate).toBe(40000);
    expect(first.channels).toHaveLength(1);
    const len = first.channels[0]!.length / 40000;
    expect(len).toBeGreaterThan(0.5);
    expect(len).toBeLessThanOrEqual(3.7 + 1e-6);
    const peak = first.channels[0]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).toBeLessThanOrEqual(0.9 * 0.75 + 0.25 + 1e-6);
    const w = decodeWav(fs.readFileSync(path.join(paths().experimentSubdir("pre-speech", "wavs16k"), "0_0.wav")));
    expect(w.sampleRate).toBe(16000);
    expect(Math.abs(w.channels[0]!.length / 16000 - len)).toBeLessThan(0.001);
    expect((await db().experiment.findUniqueOrThrow({ where: { id: exp.id } })).status).toBe("preprocessed");

    // a re-run skips the finished source and leaves its files untouched
    const before = fs.statSync(path.join(paths().experimentSubdir("pre-speech", "gtWavs"), "0_0.wav")).mtimeMs;
    const again = await run(exp.id);
    expect(again.status).toBe("succeeded");
    expect((again.result as { reused: number }).reused).toBe(1);
    expect(fs.statSync(path.join(paths().experimentSubdir("pre-speech", "gtWavs"), "0_0.wav")).mtimeMs).toBe(before);
  }, 60_000);

  it("fails with a clear message when nothing is usable", async () => {
    const exp = await createExperiment({ name: "pre-empty", sampleRate: 40000, f0Method: "yin", version: "v2" });
    expect((await run(exp.id)).error).toMatch(/no uploaded audio/);
    await addUpload(exp.id, "silence.wav", sineWav(src, "silent2.wav", { seconds: 2, amp: 0 }), 2);
    const job = await run(exp.id);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/no usable audio: silence.wav: silent/);
  });

  it("can be cancelled mid-job; a re-run completes with no half-written files", async () => {
    const exp = await createExperiment({ name: "pre-cancel", sampleRate: 48000, f0Method: "yin", version: "v2" });
    for (let i = 0; i < 3; i++) {
      await addUpload(exp.id, `tone${i}.wav`, sineWav(src, `tone${i}.wav`, { seconds: 30, rate: 44100, freq: 200 + 50 * i }), 30);
    }
    const cancel = new AbortController();
    const t = setTimeout(() => cancel.abort(CANCELLED), 300);
    const stopped = await run(exp.id, cancel);
    clearTimeout(t);
    expect(stopped.status).toBe("cancelled");

    const done = await run(exp.id);
    expect(done.status).toBe("succeeded");
    const gt = list(paths().experimentSubdir("pre-cancel", "gtWavs"));
    expect(gt.some((n) => n.endsWith(".tmp"))).toBe(false);
    expect(gt.length).toBe((done.result as { chunks: number }).chunks);
    for (const idx0 of [0, 1, 2]) {
      const mine = gt.filter((n) => n.startsWith(`${idx0}_`)).map((n) => Number(n.split(/[_.]/)[1])).sort((a, b) => a - b);
      expect(mine).toEqual(mine.map((_, i) => i));
      expect(mine.length).toBeGreaterThan(5);
    }
  }, 90_000);
});
