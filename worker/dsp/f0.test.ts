import { describe, expect, it } from "vitest";
import { f0FrameCount, f0ToCoarse, F0_MEL_MAX, F0_MEL_MIN, yinF0 } from "./f0";
import { noise, tone } from "./test-signals";

// [f0 Hz, coarse] from numpy 1.24 with upstream's formula (np.log, np.rint), including pairs straddling
// the .5 boundaries of bins 2/3, 50/51, 128/129 and 254/255 by a relative 1e-9.
const NUMPY_COARSE: [number, number][] = [
  [0.0, 1], [10.0, 1], [49.99, 1], [50.0, 1], [50.1, 1], [55.0, 3], [100.0, 20], [220.0, 60], [440.0, 122],
  [1000.0, 238], [1099.0, 255], [1100.0, 255], [1100.01, 255], [2000.0, 255],
  [53.887609159629505, 2], [53.88760926740473, 3], [189.52375101317818, 50], [189.5237513922257, 51],
  [463.8990974156986, 128], [463.8990983434968, 129], [1096.9006157711397, 254], [1096.900617964941, 255],
];

describe("f0ToCoarse", () => {
  it("uses the documented mel constants", () => {
    expect(F0_MEL_MIN).toBeCloseTo(77.75496616579427, 12);
    expect(F0_MEL_MAX).toBeCloseTo(1064.4082331636394, 12);
  });

  it("matches numpy at every boundary", () => {
    const coarse = f0ToCoarse(NUMPY_COARSE.map(([f]) => f));
    expect(Array.from(coarse)).toEqual(NUMPY_COARSE.map(([, c]) => c));
  });

  it("stays within 1..255 and is monotonic over the whole range", () => {
    const f = Float64Array.from({ length: 5000 }, (_, i) => i * 0.5);
    const c = f0ToCoarse(f);
    for (let i = 1; i < c.length; i++) expect(c[i]! >= c[i - 1]!).toBe(true);
    expect(Math.min(...c)).toBe(1);
    expect(Math.max(...c)).toBe(255);
    expect(Array.from(f0ToCoarse([Number.NaN, -5]))).toEqual([1, 1]);
  });
});

// ---- YIN on synthetic signals, 16 kHz, 100 frames/s ----
const SR = 16000;

/** Harmonic "voice": harmonics below 7 kHz with 1/k amplitudes and fixed pseudo-random phases. */
function voice(f0: (t: number) => number, seconds: number, amp = 0.3): Float32Array {
  const n = Math.round(seconds * SR);
  const y = new Float32Array(n);
  let phase = 0;
  const maxK = 40;
  const phases = Array.from({ length: maxK }, (_, k) => (k * 2.399963) % (2 * Math.PI));
  for (let i = 0; i < n; i++) {
    const f = f0(i / SR);
    phase += (2 * Math.PI * f) / SR;
    let s = 0;
    for (let k = 1; k <= maxK && k * f < 7000; k++) s += Math.sin(k * phase + phases[k - 1]!) / k;
    y[i] = amp * s * 0.5;
  }
  return y;
}

/** Frames whose whole analysis span (±26 ms) lies inside [from, to) seconds. */
const inside = (f0: Float64Array, from: number, to: number) =>
  Array.from(f0).filter((_, t) => t / 100 - 0.03 >= from && t / 100 + 0.03 < to);

describe("yinF0", () => {
  it("returns n//160 + 1 frames", () => {
    for (const n of [0, 159, 160, 48000, 48001]) expect(yinF0(new Float32Array(n)).length).toBe(f0FrameCount(n));
    expect(f0FrameCount(48000)).toBe(301);
  });

  for (const f of [55, 100, 220, 440, 800, 1050]) {
    it(`finds a ${f} Hz sine within 1% in every frame`, () => {
      const est = inside(yinF0(tone(f, SR, 1, 0.5)), 0, 1);
      expect(est.length).toBeGreaterThan(90);
      for (const v of est) expect(Math.abs(v / f - 1)).toBeLessThan(0.01);
    });
  }

  for (const f of [90, 140, 260]) {
    it(`finds a harmonic voice at ${f} Hz within 1% (no octave errors)`, () => {
      const est = inside(yinF0(voice(() => f, 1)), 0, 1);
      for (const v of est) expect(Math.abs(v / f - 1)).toBeLessThan(0.01);
    });
  }

  it("tracks a voice with 5 Hz vibrato of ±3% within 1%", () => {
    const f = (t: number) => 180 * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t));
    const est = yinF0(voice(f, 1.5));
    let checked = 0;
    est.forEach((v, t) => {
      const sec = t / 100;
      if (sec < 0.05 || sec > 1.45) return;
      expect(Math.abs(v / f(sec) - 1)).toBeLessThan(0.01);
      checked++;
    });
    expect(checked).toBeGreaterThan(130);
  });

  it("marks digital silence and white noise unvoiced", () => {
    expect(yinF0(new Float32Array(SR)).every((v) => v === 0)).toBe(true);
    expect(yinF0(noise(SR, 0.5, 3)).every((v) => v === 0)).toBe(true);
    expect(yinF0(noise(SR, 0.0005, 4)).every((v) => v === 0)).toBe(true); // below −60 dBFS
  });

  it("voices a tone and unvoices the silences around it", () => {
    const x = new Float32Array(SR * 2);
    x.set(tone(200, SR, 1, 0.5), SR / 2); // tone at [0.5, 1.5) s
    const f0 = yinF0(x);
    f0.forEach((v, t) => {
      const sec = t / 100;
      if (sec < 0.45 || sec > 1.55) expect(v).toBe(0);
      if (sec > 0.55 && sec < 1.45) expect(Math.abs(v / 200 - 1)).toBeLessThan(0.01);
    });
  });
});
