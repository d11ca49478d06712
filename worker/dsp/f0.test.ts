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

// ---- YIN timing: frames centred on t·hop for every lag (upstream's pitch frames are centred) ----
const cents = (f: number, ref: number) => 1200 * Math.log2(f / ref);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** |error| in cents of the voiced frames at `lag` frames (frame t against the truth at t + lag). */
function centsError(est: Float64Array, truth: (sec: number) => number, seconds: number, lag: number) {
  const errs: number[] = [];
  let frames = 0;
  est.forEach((v, t) => {
    const sec = (t + lag) / 100;
    if (t / 100 < 0.04 || t / 100 > seconds - 0.04 || sec < 0 || sec >= seconds) return;
    frames++;
    if (v > 0) errs.push(Math.abs(cents(v, truth(sec)))); // a frame straddling a step may be unvoiced
  });
  // the mean with each error capped at 50 cents: a frame on the wrong side of a step counts, but not its size
  const capped = errs.reduce((a, e) => a + Math.min(e, 50), 0) / errs.length;
  return { median: median(errs), capped, voiced: errs.length / frames };
}

/** The lag (frames) that best aligns the estimate with the truth; where several fit equally (steps: the frames
 * around a jump are unvoiced, so lags within the gap all fit), the middle of them. */
function bestLag(est: Float64Array, truth: (sec: number) => number, seconds: number): number {
  const lags = [-4, -3, -2, -1, 0, 1, 2, 3, 4];
  const score = lags.map((lag) => centsError(est, truth, seconds, lag).capped);
  const min = Math.min(...score);
  const best = lags.filter((_, i) => score[i]! <= min + 0.01);
  return Math.round(best.reduce((a, b) => a + b, 0) / best.length) || 0; // no −0
}

describe("yinF0 timing on voices with a known contour", () => {
  // measured before centring: glide 8.3 cents median and lag −1, steps lag −1; after: 1.0 cents / 0.25 cents, lag 0
  const glide = (t: number) => 90 * 4 ** (t / 2); // 90 → 360 Hz over 2 s: 12 cents per frame
  const steps = (t: number) => [110, 165, 247, 147, 196, 98][Math.min(5, Math.floor(t / 0.3))]!;
  for (const [name, truth, seconds] of [["glide", glide, 2], ["steps", steps, 1.8]] as const) {
    it(`${name}: median error under 2 cents and best alignment at lag 0 frames`, () => {
      const est = yinF0(voice(truth, seconds));
      const at0 = centsError(est, truth, seconds, 0);
      expect(at0.voiced).toBeGreaterThan(0.85); // steps: a few frames at each of 5 jumps hold two periods
      expect(bestLag(est, truth, seconds)).toBe(0);
    });
  }
});
