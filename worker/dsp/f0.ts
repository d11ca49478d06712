// Pitch for RVC's 2a_f0 / 2b-f0nsf files (rvc-formats §2): 16 kHz input, hop 160 (100 frames/s),
// f0 range 50–1100 Hz, coarse pitch on RVC's mel scale; plus a weight-free YIN estimator.
import { roundHalfEven } from "./round";

export const F0_SAMPLE_RATE = 16000;
export const F0_HOP = 160;
export const F0_MIN = 50;
export const F0_MAX = 1100;
export const F0_BIN = 256;
export const F0_MEL_MIN = 1127 * Math.log(1 + F0_MIN / 700);
export const F0_MEL_MAX = 1127 * Math.log(1 + F0_MAX / 700);

/**
 * Coarse pitch 1..255 (2a_f0): mel = 1127·ln(1 + f0/700), mapped linearly so 50 Hz → 1 and
 * 1100 Hz → 255, clamped, rounded half to even like np.rint. Unvoiced (0) and < 50 Hz give 1.
 */
export function f0ToCoarse(f0: ArrayLike<number>): Int32Array {
  const out = new Int32Array(f0.length);
  for (let i = 0; i < f0.length; i++) {
    let mel = 1127 * Math.log(1 + f0[i]! / 700);
    // upstream's operation order, so values near a .5 boundary round the same way
    if (mel > 0) mel = ((mel - F0_MEL_MIN) * (F0_BIN - 2)) / (F0_MEL_MAX - F0_MEL_MIN) + 1;
    if (!(mel > 1)) mel = 1; // also maps NaN to 1
    if (mel > F0_BIN - 1) mel = F0_BIN - 1;
    out[i] = roundHalfEven(mel);
  }
  return out;
}

/** Frames for n samples at hop 160 with centred frames: n//160 + 1 (RMVPE's count, §2.5). */
export function f0FrameCount(n: number, hop: number = F0_HOP): number {
  return Math.floor(n / hop) + 1;
}

export interface YinOptions {
  sampleRate?: number;
  hop?: number;
  fmin?: number;
  fmax?: number;
  /** integration window of the difference function, samples */
  window?: number;
  /** the first dip of the normalised difference below this is taken as the period */
  threshold?: number;
  /** a frame is voiced only if its best normalised difference is below this */
  voicingThreshold?: number;
  /** frames whose RMS is below this (linear, full scale 1) are unvoiced */
  silenceRms?: number;
}

const YIN_DEFAULTS: Required<YinOptions> = {
  sampleRate: F0_SAMPLE_RATE,
  hop: F0_HOP,
  fmin: F0_MIN,
  fmax: F0_MAX,
  window: 512, // 32 ms: more than 1.5 periods at 50 Hz
  threshold: 0.1,
  voicingThreshold: 0.2,
  silenceRms: 1e-3, // −60 dBFS
};

/**
 * YIN pitch (de Cheveigné & Kawahara 2002) at one frame per hop, frames centred on n·hop with
 * zeros outside the signal: for every lag τ the compared span [s, s + W + τ) is centred on n·hop (within half a
 * sample), so the estimate is not early by a lag-dependent amount. Returns Hz per frame, 0 where unvoiced;
 * f0FrameCount(len) frames.
 */
export function yinF0(x: Float32Array, options: YinOptions = {}): Float64Array {
  const o = { ...YIN_DEFAULTS, ...options };
  const tauMin = Math.max(2, Math.floor(o.sampleRate / o.fmax));
  const tauMax = Math.ceil(o.sampleRate / o.fmin);
  const W = o.window;
  const span = W + tauMax + 1; // samples one frame needs
  const half = Math.floor(span / 2);
  const frames = f0FrameCount(x.length, o.hop);
  const out = new Float64Array(frames);
  const buf = new Float64Array(span);
  const sq = new Float64Array(span + 1);
  const d = new Float64Array(tauMax + 2);
  for (let t = 0; t < frames; t++) {
    const start = t * o.hop - half;
    for (let i = 0; i < span; i++) {
      const k = start + i;
      buf[i] = k >= 0 && k < x.length ? x[k]! : 0;
    }
    out[t] = yinFrame(buf, sq, half, W, tauMin, tauMax, d, o);
  }
  return out;
}

/**
 * Pitch of one frame buffer (centre at index `centre`), or 0. `sq` (length buf.length + 1) and `d` (tauMax + 2) are
 * scratch space.
 */
function yinFrame(
  buf: Float64Array,
  sq: Float64Array,
  centre: number,
  W: number,
  tauMin: number,
  tauMax: number,
  d: Float64Array,
  o: Required<YinOptions>,
): number {
  // Energy over the middle of the frame decides silence.
  const mid = Math.floor((buf.length - W) / 2);
  let energy = 0;
  for (let j = mid; j < mid + W; j++) energy += buf[j]! * buf[j]!;
  if (Math.sqrt(energy / W) < o.silenceRms) return 0;

  // Cumulative-mean-normalised difference d'(τ) = d(τ)·τ / Σ_{1..τ} d(j); d'(0) = 1.
  // d(τ) = Σ_{j∈[s, s+W)} (x_j − x_{j+τ})² = E[s, s+W) + E[s+τ, s+τ+W) − 2·Σ x_j·x_{j+τ}, with the energies from
  // prefix sums of squares: one multiply-add per lag and sample. s = centre − ⌊(W+τ)/2⌋ centres [s, s+W+τ).
  sq[0] = 0;
  for (let j = 0; j < buf.length; j++) sq[j + 1] = sq[j]! + buf[j]! * buf[j]!;
  d[0] = 1;
  let running = 0;
  for (let tau = 1; tau <= tauMax + 1; tau++) {
    const a = centre - Math.floor((W + tau) / 2);
    const b = a + tau;
    let r = 0;
    for (let j = 0; j < W; j++) r += buf[a + j]! * buf[b + j]!;
    const s = Math.max(0, sq[a + W]! - sq[a]! + sq[b + W]! - sq[b]! - 2 * r);
    running += s;
    d[tau] = running > 0 ? (s * tau) / running : 1;
  }

  let best = -1;
  for (let tau = tauMin; tau <= tauMax; tau++) {
    if (d[tau]! < o.threshold) {
      while (tau + 1 <= tauMax && d[tau + 1]! < d[tau]!) tau++;
      best = tau;
      break;
    }
  }
  if (best < 0) {
    // no clear dip: fall back to the global minimum, which must still pass the voicing test
    best = tauMin;
    for (let tau = tauMin + 1; tau <= tauMax; tau++) if (d[tau]! < d[best]!) best = tau;
  }
  if (d[best]! >= o.voicingThreshold) return 0;

  // Parabolic interpolation around the dip for sub-sample period.
  const a = d[best - 1]!;
  const b = d[best]!;
  const c = d[best + 1]!;
  const denom = a - 2 * b + c;
  const shift = denom > 0 ? (0.5 * (a - c)) / denom : 0;
  const f0 = o.sampleRate / (best + Math.max(-1, Math.min(1, shift)));
  return f0 >= o.fmin && f0 <= o.fmax ? f0 : 0;
}
