import { describe, expect, it } from "vitest";
import { anyFft } from "../separate/fft";
import { dbToGain, fitLength, LIMIT_CEILING, LIMIT_KNEE, mixCover, pitchShift, pitchShiftHop, softLimit } from "./mix";

const RATE = 44100;

function sine(freq: number, length: number, amp = 0.5, rate = RATE): Float32Array {
  return Float32Array.from({ length }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** The strongest frequency of a Hann-windowed stretch of 16384 samples from the middle (≈2.7 Hz bins, parabolic peak). */
function dominantFrequency(x: Float32Array, rate = RATE): number {
  const n = 16384;
  const start = Math.floor((x.length - n) / 2);
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = x[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  anyFft(n).forward(re, im);
  const mag = (k: number) => Math.hypot(re[k]!, im[k]!);
  let best = 1;
  for (let k = 2; k < n / 2; k++) if (mag(k) > mag(best)) best = k;
  const [a, b, c] = [mag(best - 1), mag(best), mag(best + 1)];
  const shift = (0.5 * (a - c)) / (a - 2 * b + c);
  return ((best + shift) * rate) / n;
}

const rms = (x: Float32Array, from = 0, to = x.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
};

describe("soft limiter", () => {
  it("is the identity up to the knee and stays below the ceiling, monotonic, for any level", () => {
    for (const v of [0, 0.1, -0.5, LIMIT_KNEE, -LIMIT_KNEE]) expect(softLimit(v)).toBe(v);
    let last = 0;
    for (let v = LIMIT_KNEE; v < 50; v *= 1.05) {
      const y = softLimit(v);
      expect(y).toBeLessThan(LIMIT_CEILING + 1e-12);
      expect(y).toBeGreaterThanOrEqual(last);
      expect(softLimit(-v)).toBe(-y);
      last = y;
    }
    // continuous at the knee
    expect(softLimit(LIMIT_KNEE + 1e-6) - LIMIT_KNEE).toBeCloseTo(1e-6, 9);
  });
});

describe("pitchShift", () => {
  it("0 semitones is the identity (a copy)", () => {
    const x = sine(440, 10_000);
    const y = pitchShift(x, 0);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual(Array.from(x));
  });

  it("+12 doubles and −12 halves the frequency of a sine, keeping the length exactly", () => {
    const n = 3 * RATE + 17;
    const x = sine(440, n);
    expect(dominantFrequency(x)).toBeCloseTo(440, 0);
    const up = pitchShift(x, 12);
    const down = pitchShift(x, -12);
    expect(up.length).toBe(n);
    expect(down.length).toBe(n);
    expect(Math.abs(dominantFrequency(up) / 880 - 1)).toBeLessThan(0.01);
    expect(Math.abs(dominantFrequency(down) / 220 - 1)).toBeLessThan(0.01);
    // the level survives (away from the edges)
    expect(rms(up, RATE, 2 * RATE) / rms(x, RATE, 2 * RATE)).toBeGreaterThan(0.7);
    expect(rms(up, RATE, 2 * RATE) / rms(x, RATE, 2 * RATE)).toBeLessThan(1.3);
    expect(rms(down, RATE, 2 * RATE) / rms(x, RATE, 2 * RATE)).toBeGreaterThan(0.7);
    expect(rms(down, RATE, 2 * RATE) / rms(x, RATE, 2 * RATE)).toBeLessThan(1.3);
  });

  it("+3 semitones moves a sine by 2^(3/12) within the hop's rounding", () => {
    const x = sine(500, 2 * RATE);
    const f = dominantFrequency(pitchShift(x, 3));
    expect(pitchShiftHop(3) / 512).toBeCloseTo(Math.pow(2, 3 / 12), 3);
    expect(Math.abs(f / (500 * Math.pow(2, 3 / 12)) - 1)).toBeLessThan(0.005);
  });

  it("honours a cancel", () => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    expect(() => pitchShift(sine(300, RATE), 5, ac.signal)).toThrow("stop");
  });
});

describe("mixCover", () => {
  it("applies the gains in dB; the stems as mixed sum to the mix below the knee; every part exactly `length` long", () => {
    const length = 20_000;
    const v = sine(300, length + 500, 0.2); // longer: cut
    const a = sine(1000, length - 300, 0.2); // shorter: padded with zeros
    const r = mixCover({ vocals: [v], accompaniment: [a], vocalsGain: 6, accompanimentGain: -6, accompanimentPitch: 0, length });
    for (const part of [r.mix, r.vocals, r.accompaniment]) {
      expect(part).toHaveLength(1);
      expect(part[0]!.length).toBe(length);
    }
    expect(r.vocals[0]![1234]).toBeCloseTo(v[1234]! * dbToGain(6), 6);
    expect(dbToGain(6)).toBeCloseTo(1.9953, 4);
    expect(r.accompaniment[0]![1234]).toBeCloseTo(a[1234]! * dbToGain(-6), 6);
    expect(r.accompaniment[0]![length - 1]).toBe(0);
    expect(r.peak).toBeLessThan(LIMIT_KNEE);
    expect(r.limited).toBe(0);
    for (let i = 0; i < length; i++) expect(r.mix[0]![i]).toBeCloseTo(r.vocals[0]![i]! + r.accompaniment[0]![i]!, 6);
  });

  it("never clips: a sum far above full scale is bent below the ceiling, quiet samples untouched", () => {
    const length = 8000;
    const loud = sine(200, length, 0.9);
    const r = mixCover({ vocals: [loud, loud], accompaniment: [loud, loud], vocalsGain: 12, accompanimentGain: 12, accompanimentPitch: 0, length });
    expect(r.peak).toBeGreaterThan(5);
    expect(r.limited).toBeGreaterThan(0);
    for (const ch of r.mix) {
      let peak = 0;
      for (const s of ch) peak = Math.max(peak, Math.abs(s));
      expect(peak).toBeLessThan(LIMIT_CEILING + 1e-6);
      expect(peak).toBeGreaterThan(0.95);
    }
    // samples whose sum is below the knee pass unchanged
    const i = 1; // sin(2π·200/44100) · 0.9 · 2 · 3.98 ≈ 0.2
    expect(r.mix[0]![i]).toBeCloseTo(r.vocals[0]![i]! + r.accompaniment[0]![i]!, 6);
  });

  it("transposes only the accompaniment and keeps the length", () => {
    const length = 2 * RATE;
    const r = mixCover({ vocals: [sine(300, length, 0.1)], accompaniment: [sine(440, length, 0.1)], vocalsGain: 0, accompanimentGain: 0, accompanimentPitch: 12, length });
    expect(r.accompaniment[0]!.length).toBe(length);
    expect(Math.abs(dominantFrequency(r.accompaniment[0]!) / 880 - 1)).toBeLessThan(0.01);
    expect(dominantFrequency(r.vocals[0]!)).toBeCloseTo(300, 0);
  });

  it("fitLength cuts and pads", () => {
    expect(Array.from(fitLength(Float32Array.of(1, 2, 3), 2))).toEqual([1, 2]);
    expect(Array.from(fitLength(Float32Array.of(1, 2), 4))).toEqual([1, 2, 0, 0]);
  });
});
