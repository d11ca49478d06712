import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pythonHas, runPythonJson } from "../dsp/python-check";
import { decodeWav } from "../dsp/wav";
import { ConvertedAudio } from "./output";
import {
  applyProtect,
  BlockEnergy,
  limitPeak,
  linearAt,
  medianFilter3,
  NOISE_SCALE,
  peakGuardScale,
  priorNoise,
  reflectPad,
  reflectPadInPlace,
  retrievalWeights,
  rmsMixGain,
  segmentBounds,
  shiftPitch,
  SR16K,
  upsample2,
} from "./plan";
import { rvcHighpassZeroPhase, rvcHighpassZeroPhaseInto } from "../dsp/highpass";

const hasNumpy = pythonHas("numpy", "scipy");
const hasTorch = pythonHas("torch");

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe("reflectPad", () => {
  it.skipIf(!hasNumpy)("equals np.pad(mode='reflect'), also when the pad is longer than the signal", () => {
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    const want = runPythonJson<number[][]>(
      "import numpy as np, json; x=np.arange(1,6,dtype='float32'); print(json.dumps([np.pad(x,(p,q),mode='reflect').tolist() for p,q in [(2,2),(4,4),(9,13),(0,3)]]))",
    );
    expect(Array.from(reflectPad(x, 2))).toEqual(want[0]);
    expect(Array.from(reflectPad(x, 4))).toEqual(want[1]);
    expect(Array.from(reflectPad(x, 9, 13))).toEqual(want[2]);
    expect(Array.from(reflectPad(x, 0, 3))).toEqual(want[3]);
  });
});

describe("pitch shaping", () => {
  it("shifts by 2^(n/12) and keeps unvoiced frames at 0", () => {
    const f = shiftPitch(Float64Array.from([100, 0, 220]), 12);
    expect(Array.from(f)).toEqual([200, 0, 440]);
    expect(shiftPitch(Float64Array.from([440]), -7)[0]).toBeCloseTo(440 * 2 ** (-7 / 12), 9);
  });
  it.skipIf(!hasNumpy)("median filter equals scipy.signal.medfilt(x, 3) (zero padded ends)", () => {
    const r = seeded(3);
    const x = Float64Array.from({ length: 50 }, () => (r() < 0.3 ? 0 : 100 + 300 * r()));
    const want = runPythonJson<number[]>("import sys, json; from scipy.signal import medfilt; print(json.dumps(medfilt(json.loads(sys.argv[1]), 3).tolist()))", JSON.stringify(Array.from(x)));
    expect(Array.from(medianFilter3(x))).toEqual(want);
  });
});

describe("segmentBounds", () => {
  it("keeps a short input whole", () => {
    expect(segmentBounds(new Float32Array(16000 * 5))).toEqual([0, 80000]);
  });
  it("cuts a long input at the quietest 10 ms near each multiple of x_center, on the 160-sample grid", () => {
    const sr = 16000;
    const r = seeded(7);
    const x = Float32Array.from({ length: sr * 10 }, () => r() - 0.5);
    // quiet spots inside the search windows [3 ± 1 s) and [6 ± 1 s), and a louder-than-silence decoy
    for (const [at, level] of [[3.55, 0], [6.3, 0], [2.5, 0.01]] as const) {
      for (let i = Math.round(at * sr); i < Math.round(at * sr) + 400; i++) x[i] = x[i]! * level;
    }
    const timing = { xQuery: 1, xCenter: 3, xMax: 4 };
    const b = segmentBounds(x, timing);
    expect(b[0]).toBe(0);
    expect(b[b.length - 1]).toBe(x.length);
    expect(b.length).toBe(5); // cuts near 3, 6 and 9 s
    expect(b.slice(1, -1).every((c) => c % 160 === 0)).toBe(true);
    expect(Math.abs(b[1]! - 3.55 * sr - 200)).toBeLessThan(360);
    expect(Math.abs(b[2]! - 6.3 * sr - 200)).toBeLessThan(360);
    expect(b[3]).toBeGreaterThanOrEqual(8 * sr);
  });
});

describe("retrieval, upsampling, protect", () => {
  it("weights are 1/d² normalised (d = squared distance); an exact match takes all the weight", () => {
    const w = retrievalWeights([1, 2]);
    expect(w[0]).toBeCloseTo(0.8, 12);
    expect(w[1]).toBeCloseTo(0.2, 12);
    expect(retrievalWeights([0, 3, 0])).toEqual([0.5, 0, 0.5]);
  });
  it("upsample2 repeats every frame", () => {
    expect(Array.from(upsample2(Float32Array.from([1, 2, 3, 4]), 2, 2))).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
  });
  it("protect keeps blended features in voiced frames and mixes in the originals in unvoiced ones", () => {
    const feats = Float32Array.from([1, 1, 1, 1]);
    applyProtect(feats, Float32Array.from([0, 0, 0, 0]), [150, 0], 2, 2, 0.33);
    expect(Array.from(feats)).toEqual([1, 1, Math.fround(0.33), Math.fround(0.33)]);
  });
  it("prior noise is 0.66666·N(0, 1)", () => {
    const n = priorNoise(192, 1000, seeded(11));
    let m = 0, v = 0;
    for (const x of n) m += x;
    m /= n.length;
    for (const x of n) v += (x - m) ** 2;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.sqrt(v / n.length)).toBeCloseTo(NOISE_SCALE, 2);
  });
  it("limitPeak scales to 0.95 only above it", () => {
    const quiet = Float32Array.from([0.5, -0.9]);
    expect(limitPeak(quiet)).toBe(quiet);
    expect(Array.from(limitPeak(Float32Array.from([1.9, -0.95])))).toEqual([Math.fround(0.95), Math.fround(-0.475)]);
  });
});

describe("loudness envelope (RMS mix)", () => {
  it.skipIf(!hasNumpy)("BlockEnergy equals librosa.feature.rms (frame 2·hop, centred, zero padding) computed in numpy", () => {
    const r = seeded(5);
    const x = Float32Array.from({ length: 16000 * 3 + 1234 }, (_, i) => (r() - 0.5) * (1 + Math.sin(i / 3000)));
    const e = new BlockEnergy(8000);
    e.push(x.subarray(0, 10000));
    e.push(x.subarray(10000));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vs-rms-")), "x.f32");
    fs.writeFileSync(file, Buffer.from(x.buffer));
    const want = runPythonJson<number[]>(
      `import sys, json, numpy as np
y = np.fromfile(sys.argv[1], dtype=np.float32).astype(np.float64)
frame, hop = 16000, 8000
p = np.pad(y, frame // 2)
n = 1 + (len(p) - frame) // hop
print(json.dumps([float(np.sqrt(np.mean(p[j*hop:j*hop+frame]**2))) for j in range(n)]))`,
      file,
    );
    const got = e.rms();
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });
  it.skipIf(!hasTorch)("linear interpolation equals F.interpolate(mode='linear', align_corners=False)", () => {
    const values = Float64Array.from([0.1, 0.5, 0.2, 0.9]);
    const want = runPythonJson<number[]>(
      "import json, torch; import torch.nn.functional as F; v=torch.tensor([[[0.1,0.5,0.2,0.9]]], dtype=torch.float64); print(json.dumps(F.interpolate(v, size=37, mode='linear').flatten().tolist()))",
    );
    want.forEach((w, i) => expect(linearAt(values, 37, i)).toBeCloseTo(w, 12));
  });
  it("rate 1 keeps the output's envelope; rate 0 imposes the input's", () => {
    const rin = Float64Array.from([0.2, 0.2]), rout = Float64Array.from([0.05, 0.05]);
    expect(rmsMixGain(rin, rout, 100, 50, 1)).toBeCloseTo(1, 12);
    expect(rmsMixGain(rin, rout, 100, 50, 0)).toBeCloseTo(4, 12);
  });
});

describe("ConvertedAudio", () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "vs-out-"));
  it("streams segments to a 16-bit WAV: ×32768 truncated, peaks above 0.99 scaled to 0.99", async () => {
    const d = dir();
    const out = new ConvertedAudio(32000, path.join(d, ".scratch"));
    await out.push(Float32Array.from([0.5, -0.25]));
    await out.push(Float32Array.from([0.1]));
    await out.finish(path.join(d, "a.wav"), Float64Array.of(1), 1);
    await out.dispose();
    expect(fs.existsSync(path.join(d, ".scratch"))).toBe(false);
    const bytes = fs.readFileSync(path.join(d, "a.wav"));
    expect(bytes.readUInt16LE(34)).toBe(16);
    expect(decodeWav(bytes).sampleRate).toBe(32000);
    expect([0, 1, 2].map((i) => bytes.readInt16LE(44 + 2 * i))).toEqual([16384, -8192, Math.trunc(Math.fround(0.1) * 32768)]);

    const loud = new ConvertedAudio(40000, path.join(d, ".scratch2"));
    await loud.push(Float32Array.from([2, -1]));
    const r = await loud.finish(path.join(d, "b.wav"), Float64Array.of(1), 1);
    await loud.dispose();
    expect(r.peak).toBe(2);
    const b = fs.readFileSync(path.join(d, "b.wav"));
    expect([b.readInt16LE(44), b.readInt16LE(46)]).toEqual([Math.trunc(0.99 * 32768), Math.trunc(-0.495 * 32768)]);
  });
});

describe("peak guard, high-pass and padding in one buffer (convertVoice) = the three steps with copies", () => {
  it("gives reflectPad(rvcHighpassZeroPhase(limitPeak(x))) sample for sample, also for inputs shorter than the pad", () => {
    for (const [n, amp] of [[40000, 0.5], [40000, 1.7], [8000, 1.2]] as const) {
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = amp * Math.sin(i * 0.05) * Math.sin(i * 0.0011) + 0.01 * Math.sin(i * 0.9);
      const pad = 16000;
      const ref = reflectPad(rvcHighpassZeroPhase(limitPeak(x), SR16K), pad);
      const buf = new Float32Array(n + 2 * pad);
      rvcHighpassZeroPhaseInto(x, SR16K, buf, pad, peakGuardScale(x));
      reflectPadInPlace(buf, pad, n);
      expect(buf.length).toBe(ref.length);
      expect(buf.every((v, i) => v === ref[i])).toBe(true);
    }
  });
});
