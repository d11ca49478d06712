// Per-chunk peak/alpha normalisation (rvc-formats §1.6):
// y = x/peak·(max·alpha) + (1 − alpha)·x with max 0.9, alpha 0.75.
// Chunks with peak > 2.5 are skipped (as upstream); so are silent or non-finite ones (our decision).

export const RVC_NORM_MAX = 0.9;
export const RVC_NORM_ALPHA = 0.75;
export const RVC_NORM_SKIP_ABOVE = 2.5;

export type NormalizeResult =
  | { ok: true; audio: Float32Array; peak: number }
  | { ok: false; reason: "too-loud" | "silent" | "non-finite"; peak: number };

/** max |x|, or NaN when any sample is not finite. */
export function peakAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    if (!Number.isFinite(v)) return Number.NaN;
    if (v > m) m = v;
  }
  return m;
}

export function normalizeChunk(x: ArrayLike<number>): NormalizeResult {
  const peak = peakAbs(x);
  if (Number.isNaN(peak)) return { ok: false, reason: "non-finite", peak };
  if (peak > RVC_NORM_SKIP_ABOVE) return { ok: false, reason: "too-loud", peak };
  if (peak === 0) return { ok: false, reason: "silent", peak };
  const gain = RVC_NORM_MAX * RVC_NORM_ALPHA;
  const keep = 1 - RVC_NORM_ALPHA;
  const audio = new Float32Array(x.length);
  // Same operation order as upstream (float64, then stored as float32).
  for (let i = 0; i < x.length; i++) audio[i] = (x[i]! / peak) * gain + keep * x[i]!;
  return { ok: true, audio, peak };
}
