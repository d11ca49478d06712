import { describe, expect, it } from "vitest";
import { PitchStats } from "@/lib/dataset/analysis";
import { pitchStats } from "./pitch-stats";

describe("pitchStats", () => {
  it("percentiles of a known f0 track (numpy's linear interpolation) and the voiced share", () => {
    // voiced 100, 101, …, 199 Hz (100 frames) among 50 unvoiced frames (0 and NaN)
    const f0 = [...Array.from({ length: 100 }, (_, i) => 100 + i), ...new Array(25).fill(0), ...new Array(25).fill(NaN)];
    const s = pitchStats(f0.reverse());
    expect(s.voicedFraction).toBeCloseTo(100 / 150, 10);
    // np.percentile(range(100, 200), [5, 50, 95]) = 104.95, 149.5, 194.05
    expect(s.p5Hz).toBeCloseTo(104.95, 6);
    expect(s.p50Hz).toBeCloseTo(149.5, 6);
    expect(s.p95Hz).toBeCloseTo(194.05, 6);
    expect(PitchStats.parse(s)).toEqual(s);
  });

  it("bins voiced frames into log-spaced bins that cover them all", () => {
    const f0 = Float64Array.from([60, 60, 110, 220, 440, 880, 2000, 20, 0, -5, Infinity]);
    const s = pitchStats(f0);
    const { edgesHz, counts } = s.histogram;
    expect(edgesHz).toHaveLength(counts.length + 1);
    expect(edgesHz[0]).toBe(50);
    expect(edgesHz.at(-1)!).toBeGreaterThan(1100);
    for (let i = 1; i < edgesHz.length; i++) expect(edgesHz[i]! / edgesHz[i - 1]!).toBeCloseTo(2 ** (1 / 6), 3);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(8); // 60, 60, 110, 220, 440, 880, 2000, 20
    const binOf = (f: number) => edgesHz.findIndex((e, i) => f >= e && f < edgesHz[i + 1]!);
    expect(counts[binOf(60)]).toBe(2);
    expect(counts[binOf(440)]).toBe(1);
    expect(counts[0]).toBe(1 + (binOf(60) === 0 ? 2 : 0)); // 20 Hz clamps into the first bin
    expect(counts.at(-1)).toBe(1); // 2,000 Hz clamps into the last
    expect(s.voicedFraction).toBeCloseTo(8 / 11, 10);
  });

  it("no voiced frames: null percentiles, empty histogram", () => {
    const s = pitchStats(new Float32Array(10));
    expect(s).toMatchObject({ voicedFraction: 0, p5Hz: null, p50Hz: null, p95Hz: null });
    expect(s.histogram.counts.every((c) => c === 0)).toBe(true);
    expect(pitchStats([]).voicedFraction).toBe(0);
  });
});
