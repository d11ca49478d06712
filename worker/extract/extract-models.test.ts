// Content features and RMVPE pitch through the tiny stand-in models (scripts/make-tiny-models.py): shapes, frame
// counts as rvc-formats §2.5/§3.5/§3.7 say, chunked = whole for these time-local models, and the .npy files numpy reads.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { skipNote, tinyModels } from "../../tests/helpers/tiny-models";
import { f0FrameCount, f0ToCoarse } from "../dsp/f0";
import { encodeCoarsePitch, encodeFeatures, encodePitchHz } from "../dsp/npy";
import { disposeSessions } from "../onnx/session";
import { contentFeatureBlocks, contentFeatures, contentFrameCount } from "./content";
import { ExtractInputError } from "./errors";
import { rmvpeF0 } from "./rmvpe";
import { testSpeech } from "./test-audio";

const tiny = tinyModels();
const speech = testSpeech();

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("frame counts (rvc-formats §2.5, §3.5, §3.7)", () => {
  it("feature frames T = floor((N−400)/320)+1; f0 frames N//160+1; 2T never exceeds the f0 frames by design", () => {
    expect(contentFrameCount(48000)).toBe(149); // the 3 s mute file
    expect(f0FrameCount(48000)).toBe(301);
    expect(contentFrameCount(399)).toBe(0);
    expect(contentFrameCount(400)).toBe(1);
    for (let n = 400; n < 20000; n += 7) {
      const gap = f0FrameCount(n) - 2 * contentFrameCount(n);
      expect(gap).toBeGreaterThanOrEqual(1);
      expect(gap).toBeLessThanOrEqual(4);
    }
  });
});

describe.skipIf(!tiny.ok)(`content + RMVPE through the tiny models (${speech.source} speech)${skipNote(tiny)}`, () => {
  const t = tiny as Extract<typeof tiny, { ok: true }>;
  const audio = speech.audio;
  afterAll(() => disposeSessions());

  it("content features are float32 [T, 768] (v2) and [T, 256] (v1) with T from §3.5", async () => {
    const v2 = await contentFeatures(t.content768, audio, { version: "v2" });
    expect(audio.length / 16000).toBeGreaterThan(2);
    expect(v2.frames).toBe(contentFrameCount(audio.length));
    expect(v2.dim).toBe(768);
    expect(v2.data).toBeInstanceOf(Float32Array);
    expect(v2.data.length).toBe(v2.frames * 768);
    const v1 = await contentFeatures(t.content256, audio, { version: "v1" });
    expect([v1.frames, v1.dim]).toEqual([v2.frames, 256]);
    await expect(contentFeatures(t.content256, audio, { version: "v2" })).rejects.toThrow(/256-dim features but v2 needs 768/);
  });

  it("RMVPE gives N//160+1 frames of Hz, unvoiced in silence, and twice the feature frames plus 1–4", async () => {
    const withSilence = new Float32Array(audio.length + 16000);
    withSilence.set(audio, 0); // one second of digital silence at the end
    const f0 = await rmvpeF0(t.rmvpe, withSilence);
    expect(f0).toBeInstanceOf(Float64Array);
    expect(f0.length).toBe(Math.floor(withSilence.length / 160) + 1);
    const tail = f0.subarray(f0.length - 80); // well inside the silence (the STFT window is 1024 samples)
    expect(tail.every((v) => v === 0)).toBe(true);
    const voiced = f0.subarray(0, f0.length - 100).filter((v) => v > 0);
    expect(voiced.length).toBeGreaterThan(10);
    expect(Math.min(...voiced)).toBeGreaterThan(31);
    expect(Math.max(...voiced)).toBeLessThan(2006);
    const gap = f0.length - 2 * contentFrameCount(withSilence.length);
    expect(gap).toBeGreaterThanOrEqual(1);
    expect(gap).toBeLessThanOrEqual(4);
  });

  it("content: chunked processing of a long file equals the whole-file run (the model is time-local)", async () => {
    const long = new Float32Array(audio.length * 3);
    for (let k = 0; k < 3; k++) long.set(audio, k * audio.length);
    const whole = await contentFeatures(t.content768, long, { maxSeconds: 1e6 });
    const progress: number[] = [];
    const chunked = await contentFeatures(t.content768, long, {
      maxSeconds: 1.5,
      contextSeconds: 0.1,
      onProgress: (d) => progress.push(d),
    });
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(whole.frames);
    expect(chunked.frames).toBe(whole.frames);
    expect(maxAbsDiff(chunked.data, whole.data)).toBeLessThan(1e-5);
    // and the context matters: without it the frames next to chunk edges differ
    const noContext = await contentFeatures(t.content768, long, { maxSeconds: 1.5, contextSeconds: 0 });
    expect(maxAbsDiff(noContext.data, whole.data)).toBeGreaterThan(1e-3);
  });

  it("content blocks stream in order, bounded by the chunk size", async () => {
    const blocks = [];
    for await (const b of contentFeatureBlocks(t.content768, audio, { maxSeconds: 1, contextSeconds: 0.2 })) blocks.push(b);
    let next = 0;
    for (const b of blocks) {
      expect(b.startFrame).toBe(next);
      expect(b.frames).toBeLessThanOrEqual(50);
      next += b.frames;
    }
    expect(next).toBe(contentFrameCount(audio.length));
  });

  it("RMVPE: chunked processing of a long file equals the whole-file run, on 32-frame-aligned chunks", async () => {
    const long = new Float32Array(audio.length * 2 + 1234);
    long.set(audio, 0);
    long.set(audio, audio.length + 1234);
    const whole = await rmvpeF0(t.rmvpe, long, { maxFrames: 1e6 - (1e6 % 32) });
    const chunked = await rmvpeF0(t.rmvpe, long, { maxFrames: 160, contextFrames: 32 });
    expect(chunked.length).toBe(whole.length);
    let differ = 0;
    for (let i = 0; i < whole.length; i++) if (Math.abs(chunked[i]! - whole[i]!) > 1e-6 * Math.max(1, whole[i]!)) differ++;
    expect(differ).toBe(0);
    // the context matters: without it, frames next to chunk edges change
    const noContext = await rmvpeF0(t.rmvpe, long, { maxFrames: 160, contextFrames: 0 });
    expect(maxAbsDiff(noContext, whole)).toBeGreaterThan(0.01);
  });

  it("fails clearly on audio too short, non-finite audio, and a cancelled signal", async () => {
    await expect(contentFeatures(t.content768, new Float32Array(399))).rejects.toBeInstanceOf(ExtractInputError);
    await expect(contentFeatures(t.content768, new Float32Array(399))).rejects.toThrow(/too short/);
    const bad = audio.slice(0, 8000);
    bad[100] = Number.NaN;
    await expect(contentFeatures(t.content768, bad)).rejects.toThrow(/sample 100 is not finite/);
    await expect(rmvpeF0(t.rmvpe, bad)).rejects.toThrow(/sample 100 is not finite/);
    await expect(rmvpeF0(t.rmvpe, new Float32Array(0))).rejects.toThrow(/empty/);
    const ac = new AbortController();
    ac.abort(new Error("cancelled by user"));
    await expect(rmvpeF0(t.rmvpe, audio, { signal: ac.signal })).rejects.toThrow(/cancelled by user/);
    await expect(contentFeatures(t.content768, audio, { signal: ac.signal })).rejects.toThrow(/cancelled by user/);
    // a model with the wrong signature is named in the error
    await expect(contentFeatures(t.rmvpe, audio)).rejects.toThrow();
  });

  it("the outputs written with worker/dsp/npy open in numpy with RVC's dtypes and shapes", async () => {
    const feats = await contentFeatures(t.content768, audio);
    const f0 = await rmvpeF0(t.rmvpe, audio);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "extract-npy-"));
    try {
      fs.writeFileSync(path.join(dir, "feat.npy"), encodeFeatures(feats.data, feats.dim));
      fs.writeFileSync(path.join(dir, "f0.npy"), encodePitchHz(f0));
      fs.writeFileSync(path.join(dir, "coarse.npy"), encodeCoarsePitch(f0ToCoarse(f0)));
      const code =
        "import sys, numpy as n; d=sys.argv[1]; " +
        "print(*[f'{a.dtype}{list(a.shape)}' for a in (n.load(d+'/feat.npy'), n.load(d+'/f0.npy'), n.load(d+'/coarse.npy'))])";
      const r = spawnSync("/usr/bin/python3", ["-c", code, dir], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.stdout.trim()).toBe(`float32[${feats.frames}, 768] float64[${f0.length}] int64[${f0.length}]`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
