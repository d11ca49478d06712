/**
 * Pure pieces of RVC's inference pipeline (rvc-formats §9.2): padding, where long inputs are cut, pitch shaping,
 * retrieval weights, protect, ×2 upsampling and the loudness-envelope mix. All over typed arrays; no I/O.
 */
import { reflectIndex } from "../extract/mel";

/** fp32 timing constants of §9.1 (seconds): our synthesizer ONNX always runs in fp32. */
export const TIMING = { xPad: 1, xQuery: 6, xCenter: 38, xMax: 41 } as const;
export const SR16K = 16000;
/** samples per pitch frame at 16 kHz (100 frames/s) */
export const WINDOW = 160;
/** upstream's noise scale: the ONNX graph does not apply it, so rnd = 0.66666·N(0, 1) */
export const NOISE_SCALE = 0.66666;


/** np.pad(x, (left, right), mode="reflect") */
export function reflectPad(x: Float32Array, left: number, right = left): Float32Array {
  if (x.length === 0) throw new Error("cannot pad an empty signal");
  const out = new Float32Array(x.length + left + right);
  out.set(x, left);
  for (let i = 0; i < left; i++) out[i] = x[reflectIndex(i - left, x.length)]!;
  for (let i = 0; i < right; i++) out[left + x.length + i] = x[reflectIndex(x.length + i, x.length)]!;
  return out;
}

/**
 * In place: given buf whose [left, left + n) holds a signal, fill [0, left) and [left + n, left + n + right) as
 * reflectPad would (no second copy of the signal).
 */
export function reflectPadInPlace(buf: Float32Array, left: number, n: number, right = left): void {
  if (n === 0) throw new Error("cannot pad an empty signal");
  if (left + n + right > buf.length) throw new RangeError("reflectPadInPlace: buffer too short");
  for (let i = 0; i < left; i++) buf[i] = buf[left + reflectIndex(i - left, n)]!;
  for (let i = 0; i < right; i++) buf[left + n + i] = buf[left + reflectIndex(n + i, n)]!;
}

/** The gain of upstream's input guard: scale so the peak is 0.95 when it exceeds that, else 1. */
export function peakGuardScale(x: Float32Array, peak = 0.95): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]!));
  return max / peak <= 1 ? 1 : peak / max;
}

/** If the peak exceeds 0.95, scale so it is 0.95 (upstream's input guard). Returns a new array only when scaled. */
export function limitPeak(x: Float32Array, peak = 0.95): Float32Array {
  const k = peakGuardScale(x, peak);
  return k === 1 ? x : x.map((v) => v * k);
}

/**
 * Cut points of a long input (in samples of the unpadded 16 kHz signal, multiples of 160), upstream's rule: when the
 * input (+80 reflect on each side) is longer than x_max, at every multiple t of x_center pick the quietest position
 * (160-sample moving sum of |x|) in [t − x_query, t + x_query). Returned as segment bounds [0, c1, …, n].
 */
export function segmentBounds(x: Float32Array, timing: { xQuery: number; xCenter: number; xMax: number } = TIMING): number[] {
  const n = x.length;
  const tQuery = SR16K * timing.xQuery, tCenter = SR16K * timing.xCenter, tMax = SR16K * timing.xMax;
  const bounds = [0];
  if (n + WINDOW > tMax) {
    const half = WINDOW / 2;
    // running sum over |x| at [j − 80, j + 80) with reflect padding at both ends
    const absAt = (i: number) => Math.abs(x[reflectIndex(i, n)]!);
    for (let t = tCenter; t < n; t += tCenter) {
      const from = Math.max(0, t - tQuery), to = Math.min(n, t + tQuery);
      let sum = 0;
      for (let i = from - half; i < from + half; i++) sum += absAt(i);
      let best = from, bestSum = sum;
      for (let j = from + 1; j < to; j++) {
        sum += absAt(j + half - 1) - absAt(j - half - 1);
        if (sum < bestSum) {
          bestSum = sum;
          best = j;
        }
      }
      const cut = Math.floor(best / WINDOW) * WINDOW;
      if (cut > bounds[bounds.length - 1]! && cut < n) bounds.push(cut);
    }
  }
  bounds.push(n);
  return bounds;
}

/** f0 · 2^(semitones/12), in place; 0 (unvoiced) stays 0. */
export function shiftPitch(f0: Float64Array, semitones: number): Float64Array {
  const k = 2 ** (semitones / 12);
  for (let i = 0; i < f0.length; i++) f0[i] = f0[i]! * k;
  return f0;
}

/** scipy.signal.medfilt(x, 3): median of 3 with zero padding at both ends. */
export function medianFilter3(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const a = i > 0 ? x[i - 1]! : 0, b = x[i]!, c = i + 1 < x.length ? x[i + 1]! : 0;
    out[i] = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
  return out;
}

/**
 * Upstream's retrieval weights for k neighbours with squared L2 distances d: w = (1/d)², normalised to sum 1.
 * A zero distance (the query is a stored vector) is the formula's limit: all weight on the exact match(es).
 */
export function retrievalWeights(distances: readonly number[]): number[] {
  const zeros = distances.filter((d) => d === 0).length;
  if (zeros > 0) return distances.map((d) => (d === 0 ? 1 / zeros : 0));
  const w = distances.map((d) => 1 / (d * d));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}

/** Repeat each frame twice in time: [frames, dim] → [2·frames, dim] (F.interpolate scale 2, nearest). */
export function upsample2(feats: Float32Array, frames: number, dim: number): Float32Array {
  const out = new Float32Array(2 * frames * dim);
  for (let t = 0; t < frames; t++) {
    const row = feats.subarray(t * dim, (t + 1) * dim);
    out.set(row, 2 * t * dim);
    out.set(row, (2 * t + 1) * dim);
  }
  return out;
}

/**
 * Protect (§9.2 step 7.6), in place on `feats` [frames, dim]: voiced frames (pitchf > 0) keep the index-blended
 * features; unvoiced frames (pitchf < 1) keep `protect` of them and take the rest from the original features.
 */
export function applyProtect(feats: Float32Array, original: Float32Array, pitchf: ArrayLike<number>, frames: number, dim: number, protect: number): void {
  for (let t = 0; t < frames; t++) {
    const p = pitchf[t]!;
    const m = p > 0 ? 1 : p < 1 ? protect : 1;
    if (m === 1) continue;
    for (let i = t * dim; i < (t + 1) * dim; i++) feats[i] = feats[i]! * m + original[i]! * (1 - m);
  }
}

/** 0.66666 · N(0, 1) noise for the `rnd` input [channels, frames] (Box–Muller). */
export function priorNoise(channels: number, frames: number, random: () => number = Math.random): Float32Array {
  const out = new Float32Array(channels * frames);
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - random(), v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = NOISE_SCALE * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = NOISE_SCALE * r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * Loudness envelope as librosa.feature.rms(frame_length = 2·hop, hop_length = hop, center, zero padding) computes it,
 * from per-block sums of squares: block b is samples [b·hop, (b+1)·hop), and frame j covers blocks j−1 and j.
 */
export class BlockEnergy {
  private readonly sums: number[] = [];
  private filled = 0;
  constructor(readonly hop: number) {}
  /** Feed the next samples of the signal, in order. */
  push(x: ArrayLike<number>): void {
    for (let i = 0; i < x.length; i++) {
      const b = Math.floor(this.filled / this.hop);
      this.sums[b] = (this.sums[b] ?? 0) + x[i]! * x[i]!;
      this.filled++;
    }
  }
  get samples(): number {
    return this.filled;
  }
  /** 1 + n // hop RMS frames */
  rms(): Float64Array {
    const frames = 1 + Math.floor(this.filled / this.hop);
    const out = new Float64Array(frames);
    for (let j = 0; j < frames; j++) out[j] = Math.sqrt(((this.sums[j - 1] ?? 0) + (this.sums[j] ?? 0)) / (2 * this.hop));
    return out;
  }
}

/** F.interpolate(mode="linear", align_corners=False) of `values` to `length` points, evaluated at point i. */
export function linearAt(values: Float64Array, length: number, i: number): number {
  const k = values.length;
  if (k === 1) return values[0]!;
  const src = Math.max(0, ((i + 0.5) * k) / length - 0.5);
  const i0 = Math.min(Math.floor(src), k - 1);
  const i1 = Math.min(i0 + 1, k - 1);
  const t = src - i0;
  return values[i0]! * (1 - t) + values[i1]! * t;
}

/**
 * Gain of the RMS mix at output sample i (§9.2 step 9): rms_in^(1 − rate) · max(rms_out, 1e-6)^(rate − 1), both
 * envelopes interpolated to the output length.
 */
export function rmsMixGain(rmsIn: Float64Array, rmsOut: Float64Array, length: number, i: number, rate: number): number {
  const a = linearAt(rmsIn, length, i);
  const b = Math.max(linearAt(rmsOut, length, i), 1e-6);
  return a ** (1 - rate) * b ** (rate - 1);
}
