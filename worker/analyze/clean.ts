/**
 * Optional, non-destructive cleaning of a clip (issue 16), applied by preprocess to the audio it slices; the uploads
 * are never changed. Pure. In `cleanClip` the steps run in this order:
 *
 * 1. DC removal: subtracts the clip's mean (exact, no phase change; RVC's 48 Hz high-pass follows anyway).
 * 2. Denoise: spectral gating. STFT (Hann, ~40 ms frames, hop 1/4), a per-bin threshold from a noise profile (the
 *    mean power spectrum of the clip's quietest frames, or a profile passed in, e.g. the whole upload's), a soft gain
 *    mask (0 below 4 dB over the noise, 1 above 10 dB, smooth between; spread over ±1 bin and ±1 frame, never
 *    lowering a bin), the gain floor at −`reductionDb`, overlap-add with the same window: where the mask is 1 the
 *    output is the input (Hann² at hop N/4 sums to a constant).
 * 3. Trimming: silences (10 ms frames below −50 dBFS, the analyser's silence level) longer than `trimSilenceSec` are
 *    shortened to it, keeping half of it on each side (at the clip's ends, the part next to the audio).
 * 4. Loudness normalisation: one gain to the LUFS target (BS.1770 integrated loudness), lowered where needed so the
 *    true peak stays ≤ −1 dBTP (no limiter: such a clip lands below the target).
 *
 * Memory: the noise profile is estimated in one streaming pass (`NoiseProfileEstimator`) that keeps, per 1 dB band of
 * frame level, the summed power spectrum of the frames at that level (at most ~130 spectra of fftSize/2 + 1), then
 * averages the quietest 15 % of frames: a long upload costs no more than a slice. The gate holds three STFT frames.
 */
import { CleaningOptions } from "@/lib/dataset/analysis";
import { fftPlan, type Fft } from "../extract/fft";
import { integratedLoudness } from "./loudness";
import { TruePeakMeter } from "./true-peak";

export const CLEANING = {
  /** STFT frame length: the power of two ≥ this many seconds */
  frameSec: 0.04,
  /** share of the quietest (non-digital-silence) frames that make the noise profile */
  profileShare: 0.15,
  /** at least this many frames in the profile */
  profileMinFrames: 8,
  /** the quiet frames must be this much below the loud ones (90th percentile), or the clip has no pauses to learn from */
  profileMinContrastDb: 6,
  /** mask 0 at this a-posteriori SNR of a bin (power over the profile), 1 at the upper one */
  gateLowDb: 4,
  gateHighDb: 10,
  /** default gain floor of gated bins */
  reductionDb: 18,
  digitalSilenceDb: -120,
  silenceDb: -50,
  trimFrameSec: 0.01,
  truePeakLimitDbtp: -1,
} as const;

/** The power of two ≥ frameSec · sampleRate (2048 at 44.1/48 kHz, 1024 at 16–22 kHz). */
export function cleaningFftSize(sampleRate: number): number {
  let n = 64;
  while (n < CLEANING.frameSec * sampleRate) n *= 2;
  return n;
}

const hannCache = new Map<number, Float64Array>();
function hann(n: number): Float64Array {
  let w = hannCache.get(n);
  if (!w) {
    w = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)); // periodic
    hannCache.set(n, w);
  }
  return w;
}

/** Mean power per FFT bin (Hann-windowed frames of `fftSize`) of a clip's noise. */
export class NoiseProfile {
  constructor(
    readonly sampleRate: number,
    readonly fftSize: number,
    /** fftSize/2 + 1 values */
    readonly power: Float64Array,
    /** frames averaged */
    readonly frames: number,
    /** RMS level of those frames, dBFS */
    readonly levelDb: number,
  ) {
    if (power.length !== fftSize / 2 + 1) throw new RangeError("profile length does not match its FFT size");
  }

  /** from its plain-object form (e.g. after a structured clone to a worker thread) */
  static from(o: { sampleRate: number; fftSize: number; power: ArrayLike<number>; frames: number; levelDb: number }): NoiseProfile {
    return new NoiseProfile(o.sampleRate, o.fftSize, Float64Array.from(o.power), o.frames, o.levelDb);
  }
}

/** Streaming noise-profile estimate over any number of blocks of mono audio (see the module comment for memory). */
export class NoiseProfileEstimator {
  static readonly LEVEL_LO = -120;
  static readonly LEVEL_HI = 10;
  readonly fftSize: number;
  private readonly hop: number;
  private readonly fft: Fft;
  private readonly buf: Float64Array;
  private fill = 0;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** per 1 dB level bin: frame count and summed power spectrum (allocated on first use) */
  private readonly counts = new Float64Array(NoiseProfileEstimator.LEVEL_HI - NoiseProfileEstimator.LEVEL_LO);
  private readonly sums: (Float64Array | undefined)[] = [];
  private readonly msSums = new Float64Array(NoiseProfileEstimator.LEVEL_HI - NoiseProfileEstimator.LEVEL_LO);

  constructor(readonly sampleRate: number) {
    if (!Number.isInteger(sampleRate) || sampleRate < 4000 || sampleRate > 768000) throw new RangeError(`bad sample rate ${sampleRate}`);
    this.fftSize = cleaningFftSize(sampleRate);
    this.hop = this.fftSize / 2;
    this.fft = fftPlan(this.fftSize);
    this.buf = new Float64Array(this.fftSize);
    this.re = new Float64Array(this.fftSize);
    this.im = new Float64Array(this.fftSize);
  }

  push(mono: Float32Array): void {
    const N = this.fftSize;
    let i = 0;
    while (i < mono.length) {
      const take = Math.min(mono.length - i, N - this.fill);
      for (let k = 0; k < take; k++) {
        const v = mono[i + k]!;
        this.buf[this.fill + k] = v - v === 0 ? v : 0;
      }
      this.fill += take;
      i += take;
      if (this.fill === N) {
        this.frame();
        this.buf.copyWithin(0, this.hop);
        this.fill = N - this.hop;
      }
    }
  }

  private frame(): void {
    const N = this.fftSize, b = this.buf, w = hann(N), re = this.re, im = this.im;
    let ms = 0;
    for (let k = 0; k < N; k++) {
      ms += b[k]! * b[k]!;
      re[k] = b[k]! * w[k]!;
      im[k] = 0;
    }
    ms /= N;
    const db = ms > 0 ? 10 * Math.log10(ms) : -Infinity;
    if (!(db >= CLEANING.digitalSilenceDb)) return;
    const bin = Math.min(this.counts.length - 1, Math.floor(db - NoiseProfileEstimator.LEVEL_LO));
    this.fft.forward(re, im);
    let s = this.sums[bin];
    if (!s) s = this.sums[bin] = new Float64Array(N / 2 + 1);
    for (let k = 0; k <= N / 2; k++) s[k]! += re[k]! * re[k]! + im[k]! * im[k]!;
    this.counts[bin]! += 1;
    this.msSums[bin]! += ms;
  }

  /** The profile, or null when the clip has too few frames above digital silence or no frames clearly quieter than the rest. */
  finish(): NoiseProfile | null {
    const total = this.counts.reduce((a, b) => a + b, 0);
    if (total < CLEANING.profileMinFrames) return null;
    const want = Math.max(CLEANING.profileMinFrames, CLEANING.profileShare * total);
    const N = this.fftSize;
    const power = new Float64Array(N / 2 + 1);
    let frames = 0, ms = 0, topBin = 0;
    for (let b = 0; b < this.counts.length && frames < want; b++) {
      const s = this.sums[b];
      if (!s) continue;
      for (let k = 0; k <= N / 2; k++) power[k]! += s[k]!;
      frames += this.counts[b]!;
      ms += this.msSums[b]!;
      topBin = b;
    }
    // the loud frames: the bin where 90 % of the frames are reached
    let cum = 0, loudBin = 0;
    for (let b = 0; b < this.counts.length; b++) {
      cum += this.counts[b]!;
      if (cum >= 0.9 * total) { loudBin = b; break; }
    }
    if (loudBin - topBin < CLEANING.profileMinContrastDb) return null;
    for (let k = 0; k <= N / 2; k++) power[k]! /= frames;
    return new NoiseProfile(this.sampleRate, N, power, frames, 10 * Math.log10(ms / frames));
  }
}

/** The noise profile of a clip from its own quiet frames (null: none to learn from). */
export function estimateNoiseProfile(mono: Float32Array, sampleRate: number): NoiseProfile | null {
  const e = new NoiseProfileEstimator(sampleRate);
  e.push(mono);
  return e.finish();
}

const smoothstep = (t: number) => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

/** Spectral gating of a clip with a noise profile (see the module comment). Returns a new array of the same length. */
export function spectralGate(mono: Float32Array, sampleRate: number, profile: NoiseProfile, opts: { reductionDb?: number } = {}): Float32Array {
  if (profile.sampleRate !== sampleRate) throw new RangeError(`the noise profile is for ${profile.sampleRate} Hz, the clip is ${sampleRate} Hz`);
  const reductionDb = opts.reductionDb ?? CLEANING.reductionDb;
  if (!(reductionDb >= 0 && reductionDb <= 100)) throw new RangeError(`reductionDb must be in 0…100, got ${reductionDb}`);
  const floor = 10 ** (-reductionDb / 20);
  const N = profile.fftSize, H = N / 4, K = N / 2 + 1, n = mono.length;
  const fft = fftPlan(N), w = hann(N);
  const lo = 10 ** (CLEANING.gateLowDb / 10), hi = 10 ** (CLEANING.gateHighDb / 10);
  const noise = Float64Array.from(profile.power, (p) => Math.max(p, 1e-30));
  const out = new Float64Array(n);
  // frame t covers samples [first + t·H, first + t·H + N); every sample of the clip is under four frames, whose w²
  // sum to 1.5
  const first = -N + H;
  const count = n === 0 ? 0 : Math.floor((n - 1 - first) / H) + 1;
  // Two real frames go through one complex FFT each way (z = a + i·b). A ring of six frames holds each frame's
  // half-spectrum, raw mask and frequency-smoothed mask until its neighbours are known.
  const R = 6;
  const specRe = Array.from({ length: R }, () => new Float64Array(K));
  const specIm = Array.from({ length: R }, () => new Float64Array(K));
  const raw = Array.from({ length: R }, () => new Float64Array(K));
  const fsm = Array.from({ length: R }, () => new Float64Array(K));
  const zr = new Float64Array(N), zi = new Float64Array(N);
  const ma = new Float64Array(K), mb = new Float64Array(K);

  const load = (t: number, into: Float64Array) => {
    if (t >= count) return into.fill(0);
    const s = first + t * H;
    for (let j = 0; j < N; j++) {
      const i = s + j;
      const v = i >= 0 && i < n ? mono[i]! : 0;
      into[j] = (v - v === 0 ? v : 0) * w[j]!;
    }
    return into;
  };

  const masks = (t: number) => {
    const g = raw[t % R]!, f = fsm[t % R]!, re = specRe[t % R]!, im = specIm[t % R]!;
    for (let k = 0; k < K; k++) {
      const gamma = (re[k]! * re[k]! + im[k]! * im[k]!) / noise[k]!;
      g[k] = gamma <= lo ? 0 : gamma >= hi ? 1 : smoothstep((gamma - lo) / (hi - lo));
    }
    f[0] = 0.75 * g[0]! + 0.25 * g[1]!;
    for (let k = 1; k < K - 1; k++) f[k] = 0.25 * (g[k - 1]! + g[k + 1]!) + 0.5 * g[k]!;
    f[K - 1] = 0.25 * g[K - 2]! + 0.75 * g[K - 1]!;
  };

  /** frames t and t + 1 (if any) → their half-spectra and masks */
  const analysePair = (t: number) => {
    load(t, zr);
    load(t + 1, zi);
    fft.forward(zr, zi);
    const aRe = specRe[t % R]!, aIm = specIm[t % R]!, bRe = specRe[(t + 1) % R]!, bIm = specIm[(t + 1) % R]!;
    for (let k = 0; k < K; k++) {
      const j = (N - k) & (N - 1);
      aRe[k] = 0.5 * (zr[k]! + zr[j]!);
      aIm[k] = 0.5 * (zi[k]! - zi[j]!);
      bRe[k] = 0.5 * (zi[k]! + zi[j]!);
      bIm[k] = 0.5 * (zr[j]! - zr[k]!);
    }
    masks(t);
    if (t + 1 < count) masks(t + 1);
  };

  /** the final gains of frame t from its own and its neighbours' masks */
  const gains = (t: number, m: Float64Array) => {
    const g = raw[t % R]!, fc = fsm[t % R]!;
    const fp = t > 0 ? fsm[(t - 1) % R]! : fc;
    const fn = t + 1 < count ? fsm[(t + 1) % R]! : fc;
    for (let k = 0; k < K; k++) {
      const smooth = 0.25 * (fp[k]! + fn[k]!) + 0.5 * fc[k]!;
      m[k] = floor + (1 - floor) * (smooth > g[k]! ? smooth : g[k]!);
    }
  };

  /** frames t and t + 1 (if any): masked spectra, one inverse FFT (conj(FFT(conj Y))/N), overlap-add */
  const synthesisePair = (t: number) => {
    const two = t + 1 < count;
    gains(t, ma);
    if (two) gains(t + 1, mb);
    else mb.fill(0);
    const aRe = specRe[t % R]!, aIm = specIm[t % R]!, bRe = specRe[(t + 1) % R]!, bIm = specIm[(t + 1) % R]!;
    // Y = Ya + i·Yb with Ya, Yb Hermitian; stored conjugated
    for (let k = 0; k < K; k++) {
      const yar = ma[k]! * aRe[k]!, yai = ma[k]! * aIm[k]!;
      const ybr = two ? mb[k]! * bRe[k]! : 0, ybi = two ? mb[k]! * bIm[k]! : 0;
      zr[k] = yar - ybi;
      zi[k] = -(yai + ybr);
      if (k > 0 && k < N / 2) {
        zr[N - k] = yar + ybi;
        zi[N - k] = -(ybr - yai);
      }
    }
    fft.forward(zr, zi);
    const scale = 1 / (1.5 * N);
    const sa = first + t * H;
    for (let j = 0; j < N; j++) {
      const i = sa + j;
      if (i >= 0 && i < n) out[i]! += zr[j]! * w[j]! * scale;
    }
    if (two) {
      const sb = sa + H;
      for (let j = 0; j < N; j++) {
        const i = sb + j;
        if (i >= 0 && i < n) out[i]! -= zi[j]! * w[j]! * scale;
      }
    }
  };

  // pairs (0,1), (2,3)…; a pair is synthesised once the frame after it is analysed
  let done = 0;
  for (let t = 0; t < count; t += 2) {
    analysePair(t);
    const known = Math.min(count, t + 2); // frames < known are analysed
    while (done + 2 < known || (known === count && done < count)) {
      synthesisePair(done);
      done += 2;
    }
  }
  return Float32Array.from(out);
}

/** Subtract the mean. */
export function removeDc(mono: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < mono.length; i++) s += mono[i]!;
  const m = mono.length === 0 ? 0 : s / mono.length;
  return Float32Array.from(mono, (v) => v - m);
}

/** Shorten silences (10 ms frames below −50 dBFS) longer than `maxSec` to `maxSec`. */
export function trimSilences(mono: Float32Array, sampleRate: number, maxSec: number): Float32Array {
  if (!(maxSec > 0)) throw new RangeError(`maxSec must be positive, got ${maxSec}`);
  const F = Math.max(1, Math.round(CLEANING.trimFrameSec * sampleRate));
  const thr = 10 ** (CLEANING.silenceDb / 10);
  const keep = Math.round(maxSec * sampleRate);
  const n = mono.length;
  const cuts: [number, number][] = []; // [from, to) removed
  let runStart = -1;
  const closeRun = (end: number) => {
    if (runStart < 0) return;
    const len = end - runStart;
    if (len > keep) {
      if (runStart === 0 && end === n) cuts.push([keep, n]);
      else if (runStart === 0) cuts.push([0, len - keep]);
      else if (end === n) cuts.push([runStart + keep, n]);
      else {
        const head = Math.floor(keep / 2);
        cuts.push([runStart + head, end - (keep - head)]);
      }
    }
    runStart = -1;
  };
  for (let s = 0; s < n; s += F) {
    const e = Math.min(n, s + F);
    let ms = 0;
    for (let i = s; i < e; i++) ms += mono[i]! * mono[i]!;
    ms /= e - s;
    if (ms < thr) {
      if (runStart < 0) runStart = s;
    } else closeRun(s);
  }
  closeRun(n);
  if (cuts.length === 0) return mono.slice();
  const removed = cuts.reduce((a, [f, t]) => a + t - f, 0);
  const y = new Float32Array(n - removed);
  let o = 0, at = 0;
  for (const [f, t] of cuts) {
    y.set(mono.subarray(at, f), o);
    o += f - at;
    at = t;
  }
  y.set(mono.subarray(at), o);
  return y;
}

/** One gain to `targetLufs`, lowered so the true peak stays ≤ −1 dBTP; unchanged when the clip has no loudness. */
export function normalizeLoudness(mono: Float32Array, sampleRate: number, targetLufs: number): Float32Array {
  if (!(targetLufs >= -70 && targetLufs <= 0)) throw new RangeError(`target must be in −70…0 LUFS, got ${targetLufs}`);
  const lufs = integratedLoudness(mono, sampleRate);
  if (lufs === null) return mono.slice();
  const meter = new TruePeakMeter();
  meter.push(mono);
  let gain = 10 ** ((targetLufs - lufs) / 20);
  const limit = 10 ** (CLEANING.truePeakLimitDbtp / 20);
  if (meter.peak * gain > limit) gain = limit / meter.peak;
  return Float32Array.from(mono, (v) => v * gain);
}

/**
 * The cleaning a preprocess applies to one mono clip (see the module comment for the order). `profile`: a noise
 * profile to use for denoising (e.g. estimated over the whole upload); without one, the clip's own is estimated, and
 * when it has none (no pauses), denoising is skipped.
 */
export function cleanClip(mono: Float32Array, sampleRate: number, opts: CleaningOptions, profile?: NoiseProfile | null): Float32Array {
  const parsed = CleaningOptions.safeParse(opts);
  if (!parsed.success) throw new RangeError(`bad cleaning options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  let y = mono;
  if (opts.removeDc) y = removeDc(y);
  if (opts.denoise) {
    const p = profile ?? estimateNoiseProfile(y, sampleRate);
    if (p) y = spectralGate(y, sampleRate, p);
  }
  if (opts.trimSilenceSec !== null) y = trimSilences(y, sampleRate, opts.trimSilenceSec);
  if (opts.normalizeLufs !== null) y = normalizeLoudness(y, sampleRate, opts.normalizeLufs);
  return y === mono ? mono.slice() : y;
}
