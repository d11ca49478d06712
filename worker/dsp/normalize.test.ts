import { describe, expect, it } from "vitest";
import { normalizeChunk, peakAbs } from "./normalize";

describe("normalizeChunk (max 0.9, alpha 0.75)", () => {
  it("maps the peak to 0.675 + 0.25·peak and scales the rest linearly", () => {
    const x = Float32Array.from([0.5, -0.2, 0.1, 0]);
    const r = normalizeChunk(x);
    if (!r.ok) throw new Error("expected ok");
    expect(r.peak).toBe(0.5);
    // y = x/0.5·0.675 + 0.25·x = 1.6x
    expect(Array.from(r.audio)).toEqual([0.8, -0.32, 0.16, 0].map(Math.fround));
  });

  it("uses |x|: a negative peak normalises to -(0.675 + 0.25·peak)", () => {
    const r = normalizeChunk(Float32Array.from([0.1, -2, 1]));
    if (!r.ok) throw new Error("expected ok");
    expect(r.peak).toBe(2);
    expect(r.audio[1]).toBeCloseTo(-(0.675 + 0.5), 6);
    expect(r.audio[2]).toBeCloseTo(0.3375 + 0.25, 6);
  });

  it("skips chunks louder than 2.5 (upstream's filter), but keeps exactly 2.5", () => {
    expect(normalizeChunk(Float32Array.from([0, 2.6]))).toEqual({ ok: false, reason: "too-loud", peak: Math.fround(2.6) });
    expect(normalizeChunk(Float32Array.from([0, -2.5])).ok).toBe(true);
  });

  it("skips silent chunks (peak 0) instead of dividing by zero", () => {
    expect(normalizeChunk(new Float32Array(100))).toEqual({ ok: false, reason: "silent", peak: 0 });
    expect(normalizeChunk(new Float32Array(0))).toEqual({ ok: false, reason: "silent", peak: 0 });
  });

  it("skips chunks holding NaN or infinity", () => {
    expect(normalizeChunk(Float32Array.from([0.1, Number.NaN])).ok).toBe(false);
    expect(normalizeChunk(Float32Array.from([0.1, Number.POSITIVE_INFINITY]))).toMatchObject({ reason: "non-finite" });
    expect(peakAbs([1, -Infinity])).toBeNaN();
  });
});
