import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio } from "../../lib/audio/decode";
import { ffmpegConvert, tempDir } from "../../tests/helpers/audio-fixtures";
import { preprocessSignal, RVC_16K } from "../dsp/pipeline";
import { tone } from "../dsp/test-signals";
import { downmix, encodeWavFloat32 } from "../dsp/wav";
import { run } from "./file-task";

let dir: string;
beforeAll(() => {
  dir = tempDir("vs-file-task-");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const IN = 48000;
const OUT = 40000;

/** 48 kHz stereo: speech-like tones and silences, long enough for several decode blocks and slicer clips. */
function input(): Float32Array[] {
  const parts = [tone(220, IN, 3, 0.5), new Float32Array(IN), tone(330, IN, 6, 0.3), new Float32Array(IN / 2), tone(180, IN, 2.5, 0.4), new Float32Array(IN)];
  const n = parts.reduce((s, p) => s + p.length, 0);
  const l = new Float32Array(n);
  let at = 0;
  for (const p of parts) {
    l.set(p, at);
    at += p.length;
  }
  const r = l.map((v, i) => v * 0.7 + 0.05 * Math.sin(i * 0.01));
  return [l, r];
}

describe("preprocess file task (streamed) = the whole-file chain", () => {
  it("writes byte-identical chunk files to decode → resample → downmix → preprocessSignal, and leaves no scratch file", async () => {
    const wav = path.join(dir, "in.wav");
    fs.writeFileSync(wav, encodeWavFloat32(input(), IN));
    for (const file of [wav, ffmpegConvert(dir, wav, "in.flac")]) {
      const gtDir = path.join(dir, `gt-${path.extname(file)}`), wavDir = path.join(dir, `16k-${path.extname(file)}`);
      fs.mkdirSync(gtDir);
      fs.mkdirSync(wavDir);
      const r = await run({ file, name: "in", sampleRate: OUT, idx0: 3, gtDir, wavDir, minSeconds: 1 });
      expect(r.error).toBeUndefined();

      const decoded = await decodeAudio(file, { sampleRate: OUT });
      const ref = preprocessSignal(downmix(decoded.channels, decoded.layout), OUT);
      expect(r.chunks).toBe(ref.chunks.length);
      expect(r.chunks).toBeGreaterThan(3);
      expect(fs.readdirSync(gtDir).sort()).toEqual(ref.chunks.map((c) => `3_${c.index}.wav`).sort());
      for (const c of ref.chunks) {
        expect(Buffer.compare(fs.readFileSync(path.join(gtDir, `3_${c.index}.wav`)), Buffer.from(encodeWavFloat32(c.gt, OUT)))).toBe(0);
        expect(Buffer.compare(fs.readFileSync(path.join(wavDir, `3_${c.index}.wav`)), Buffer.from(encodeWavFloat32(c.at16k, RVC_16K)))).toBe(0);
      }
    }
  });

  it("a file shorter than the minimum fails alone with its length, and leaves nothing behind", async () => {
    const short = path.join(dir, "short.wav");
    fs.writeFileSync(short, encodeWavFloat32(tone(220, IN, 0.5, 0.5), IN));
    const gtDir = path.join(dir, "gt-short"), wavDir = path.join(dir, "16k-short");
    fs.mkdirSync(gtDir);
    fs.mkdirSync(wavDir);
    const r = await run({ file: short, name: "short", sampleRate: OUT, idx0: 0, gtDir, wavDir, minSeconds: 1 });
    expect(r.error).toMatch(/too short \(0\.50 s\)/);
    expect(fs.readdirSync(gtDir)).toEqual([]);
  });
});
