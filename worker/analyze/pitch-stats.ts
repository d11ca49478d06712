/** Voiced f0 statistics of a clip (after extract): voiced share, p5/p50/p95 and a log-spaced histogram. Pure. */
import type { PitchStats } from "@/lib/dataset/analysis";

/** Histogram bins: 1/6 octave (two semitones) from 50 Hz, RVC's f0 floor, to past its 1,100 Hz ceiling. */
export const PITCH_HISTOGRAM = { fromHz: 50, binsPerOctave: 6, bins: 27 } as const;

export const pitchHistogramEdges = (): number[] =>
  Array.from({ length: PITCH_HISTOGRAM.bins + 1 }, (_, i) => PITCH_HISTOGRAM.fromHz * 2 ** (i / PITCH_HISTOGRAM.binsPerOctave));

/** Percentile with linear interpolation between order statistics (numpy's default), of sorted values. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("no values");
  const pos = (p / 100) * (n - 1);
  const lo = Math.floor(pos), hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Statistics of per-frame f0 values in Hz; 0, negative, NaN or infinite frames are unvoiced. Voiced values outside
 * the histogram's range count in its first or last bin (the percentiles use the values as they are).
 */
export function pitchStats(f0Hz: ArrayLike<number>): PitchStats {
  const voiced: number[] = [];
  for (let i = 0; i < f0Hz.length; i++) {
    const f = f0Hz[i]!;
    if (f > 0 && Number.isFinite(f)) voiced.push(f);
  }
  const edgesHz = pitchHistogramEdges();
  const counts = new Array<number>(PITCH_HISTOGRAM.bins).fill(0);
  const step = Math.log2(edgesHz[1]! / edgesHz[0]!);
  for (const f of voiced) {
    const b = Math.floor(Math.log2(f / PITCH_HISTOGRAM.fromHz) / step);
    counts[Math.max(0, Math.min(PITCH_HISTOGRAM.bins - 1, b))]!++;
  }
  const sorted = Float64Array.from(voiced).sort();
  const p = (q: number) => (sorted.length === 0 ? null : Math.round(percentileSorted(sorted, q) * 100) / 100);
  return {
    voicedFraction: f0Hz.length === 0 ? 0 : voiced.length / f0Hz.length,
    p5Hz: p(5),
    p50Hz: p(50),
    p95Hz: p(95),
    histogram: { edgesHz: edgesHz.map((e) => Math.round(e * 100) / 100), counts },
  };
}
