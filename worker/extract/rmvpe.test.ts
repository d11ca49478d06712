import { describe, expect, it } from "vitest";
import { centsToHz, decodeSalience, rmvpeBinHz, RMVPE_BINS, RMVPE_CENTS_OFFSET } from "./rmvpe";

function frame(values: Record<number, number>): Float32Array {
  const s = new Float32Array(RMVPE_BINS);
  for (const [k, v] of Object.entries(values)) s[Number(k)] = v;
  return s;
}

function concat(...frames: Float32Array[]): Float32Array {
  const out = new Float32Array(frames.length * RMVPE_BINS);
  frames.forEach((f, i) => out.set(f, i * RMVPE_BINS));
  return out;
}

describe("RMVPE decoding (rvc-formats §2.7)", () => {
  it("maps bins to the documented cents grid: bin 0 ≈ 31.7 Hz, bin 359 ≈ 2005.5 Hz, 20 cents per bin", () => {
    expect(rmvpeBinHz(0)).toBeCloseTo(31.7, 1);
    expect(rmvpeBinHz(359)).toBeCloseTo(2005.5, 1);
    expect(rmvpeBinHz(60) / rmvpeBinHz(0)).toBeCloseTo(2, 12); // 60 bins = 1200 cents = one octave
    expect(centsToHz(RMVPE_CENTS_OFFSET)).toBeCloseTo(31.7, 1);
  });

  it("a symmetric peak decodes to its bin's frequency", () => {
    const f0 = decodeSalience(frame({ 119: 0.3, 120: 0.9, 121: 0.3, 118: 0.1, 122: 0.1 }));
    expect(f0[0]).toBeCloseTo(rmvpeBinHz(120), 9);
  });

  it("an asymmetric peak decodes to the salience-weighted average of cents over c−4…c+4", () => {
    // cents = c100 + 20·(−0.5 + 0.25)/1.75; bins beyond ±4 (here 95 and 105) are ignored
    const f0 = decodeSalience(frame({ 95: 0.8, 99: 0.5, 100: 1, 101: 0.25, 105: 0.7 }));
    const cents = 20 * 100 + RMVPE_CENTS_OFFSET + (20 * (-0.5 + 0.25)) / 1.75;
    expect(f0[0]).toBeCloseTo(10 * 2 ** (cents / 1200), 9);
  });

  it("takes the first of equal maxima, like numpy argmax", () => {
    const f0 = decodeSalience(frame({ 50: 0.5, 200: 0.5 }));
    expect(f0[0]).toBeCloseTo(rmvpeBinHz(50), 9);
  });

  it("windows at the edges count missing bins as zero", () => {
    const lo = decodeSalience(frame({ 0: 1, 1: 1 }));
    expect(lo[0]).toBeCloseTo(centsToHz(RMVPE_CENTS_OFFSET + 10), 9);
    const hi = decodeSalience(frame({ 359: 1 }));
    expect(hi[0]).toBeCloseTo(rmvpeBinHz(359), 9);
  });

  it("is unvoiced (0 Hz) when the peak salience is at or below 0.03, voiced just above", () => {
    const f0 = decodeSalience(concat(frame({ 150: 0.03 }), frame({ 150: 0.0301 }), frame({}), frame({ 10: 0.02, 11: 0.01 })));
    expect(f0[0]).toBe(0);
    expect(f0[1]).toBeCloseTo(rmvpeBinHz(150), 6);
    expect(f0[2]).toBe(0);
    expect(f0[3]).toBe(0);
    expect(decodeSalience(frame({ 150: 0.05 }), 0.1)[0]).toBe(0); // custom threshold
  });

  it("decodes many frames independently and rejects a ragged array", () => {
    const f0 = decodeSalience(concat(frame({ 10: 1 }), frame({ 70: 1 })));
    expect(f0[1]! / f0[0]!).toBeCloseTo(2, 9);
    expect(() => decodeSalience(new Float32Array(361))).toThrow(/multiple of 360/);
  });
});
