import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONVERSION_DEFAULTS } from "../../lib/conversion-params";
import { decodeAudio } from "../../lib/audio/decode";
import { ffmpegConvert, tempDir } from "../../tests/helpers/audio-fixtures";
import { skipNote, tinyModels } from "../../tests/helpers/tiny-models";
import { pythonHas } from "../dsp/python-check";
import { downmix, encodeWavFloat32 } from "../dsp/wav";
import { getSession } from "../onnx/session";
import type { ConversionModels } from "./convert";
import { convertFile } from "./file";

const tiny = tinyModels();
const hasTorch = pythonHas("torch", "onnx");
const ready = tiny.ok && hasTorch;
const why = !hasTorch ? " (skipped: /usr/bin/python3 lacks torch/onnx)" : skipNote(tiny);

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

let dir: string;
let input: string;
let models: ConversionModels;
let sampleRate: number;

beforeAll(async () => {
  if (!ready) return;
  dir = tempDir("vs-convert-file-");
  const made = JSON.parse(
    execFileSync("/usr/bin/python3", ["scripts/make-random-model.py", "--tiny", "--index-rows", "0", "--out", dir, "--name", "t"], { encoding: "utf8" }).trim().split("\n").pop()!,
  ) as { onnx: string; sampleRate: number };
  sampleRate = made.sampleRate;
  models = { synth: await getSession(path.join(dir, made.onnx)), content: await getSession(tiny.ok ? tiny.content768 : ""), rmvpe: null, index: null };
  // 44.1 kHz stereo, peak above the 0.95 guard, through ffmpeg (FLAC)
  const rate = 44100, n = rate * 3;
  const l = new Float32Array(n), r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    l[i] = 0.98 * Math.sin((2 * Math.PI * 180 * i) / rate) * Math.sin(i / 9000);
    r[i] = 0.5 * Math.sin((2 * Math.PI * 230 * i) / rate);
  }
  const wav = path.join(dir, "in.wav");
  fs.writeFileSync(wav, encodeWavFloat32([l, r], rate));
  input = ffmpegConvert(dir, wav, "in.flac");
}, 120_000);
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!ready)(`convertFile (streamed decode to 16 kHz mono)${why}`, () => {
  // The synthesizer draws its own noise (NSF source), so two runs never give the same samples: the input side is
  // proven equal in lib/audio/decode.test.ts (decodeMono) and plan.test.ts (guard, high-pass, padding).
  it("converts a 44.1 kHz stereo FLAC: output exactly as long as the 16 kHz mono input at the model's rate, finite, no scratch left", async () => {
    const params = { ...CONVERSION_DEFAULTS, f0Method: "yin" as const };
    const out = path.join(dir, "a", "output.wav");
    fs.mkdirSync(path.dirname(out));
    const r = await convertFile(input, out, models, { params, sampleRate, random: seeded(5) });
    const decoded = await decodeAudio(input, { sampleRate: 16000 });
    const mono = downmix(decoded.channels, decoded.layout);
    expect(r.inputSamples).toBe(mono.length);
    expect(r.outputSamples).toBe(Math.round((mono.length * sampleRate) / 16000));
    expect(Number.isFinite(r.peak) && r.peak > 0).toBe(true);
    const wav = fs.readFileSync(out);
    expect(wav.length).toBe(44 + 2 * r.outputSamples);
    expect(fs.readdirSync(path.dirname(out))).toEqual(["output.wav"]);
  });

  it("cancelled while converting: rejects with the reason and leaves neither output nor scratch file", async () => {
    const out = path.join(dir, "b", "output.wav");
    fs.mkdirSync(path.dirname(out));
    const ac = new AbortController();
    const params = { ...CONVERSION_DEFAULTS, f0Method: "yin" as const };
    const run = convertFile(input, out, models, {
      params,
      sampleRate,
      signal: ac.signal,
      onProgress: (stage) => stage === "convert" && ac.abort(new Error("cancelled by test")),
    });
    await expect(run).rejects.toThrow("cancelled by test");
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
  });
});
