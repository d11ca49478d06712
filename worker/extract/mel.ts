// RMVPE's log-mel front end (rvc-formats §2.7), as pure functions:
//   STFT with centre frames (reflect padding of n_fft/2), periodic Hann window of 1024, hop 160 at 16 kHz;
//   magnitude (not power); mel basis = librosa.filters.mel(sr=16000, n_fft=1024, n_mels=128, fmin=30, fmax=8000,
//   htk=True, norm="slaney") (float32); output ln(max(mel, 1e-5)), shape [128, T] with T = N//160 + 1.
// Any frame range can be computed on its own from the whole signal and equals the same frames of a whole-file run,
// which is what lets RMVPE run chunk by chunk.
import { fftPlan, twoRealMagnitudes } from "./fft";

export interface MelParams {
  sampleRate: number;
  nFft: number;
  winLength: number;
  hop: number;
  nMels: number;
  fmin: number;
  fmax: number;
  /** log floor: ln(max(mel, clamp)) */
  clamp: number;
}

export const RMVPE_MEL: MelParams = {
  sampleRate: 16000,
  nFft: 1024,
  winLength: 1024,
  hop: 160,
  nMels: 128,
  fmin: 30,
  fmax: 8000,
  clamp: 1e-5,
};

export const hzToMelHtk = (f: number): number => 2595 * Math.log10(1 + f / 700);
export const melToHzHtk = (m: number): number => 700 * (10 ** (m / 2595) - 1);

export interface MelFilterBank {
  nMels: number;
  /** n_fft/2 + 1 */
  nBins: number;
  /** row-major [nMels, nBins], float32 values like librosa's default dtype */
  weights: Float32Array;
  /** per filter, the non-zero bin range [start, end) */
  ranges: { start: number; end: number }[];
  /** the nMels + 2 band edges in Hz */
  edgesHz: Float64Array;
}

/**
 * Triangular mel filters on the HTK mel scale with Slaney area normalisation: nMels + 2 edges evenly spaced in mel
 * between fmin and fmax; filter i rises from edge i to edge i+1 and falls to edge i+2 (linear in Hz over the FFT bin
 * frequencies k·sr/n_fft), then is scaled by 2 / (edge[i+2] − edge[i]).
 */
export function melFilterBank(p: Pick<MelParams, "sampleRate" | "nFft" | "nMels" | "fmin" | "fmax"> = RMVPE_MEL): MelFilterBank {
  const nBins = Math.floor(p.nFft / 2) + 1;
  const melLo = hzToMelHtk(p.fmin);
  const melHi = hzToMelHtk(p.fmax);
  const edges = new Float64Array(p.nMels + 2);
  for (let i = 0; i < edges.length; i++) edges[i] = melToHzHtk(melLo + ((melHi - melLo) * i) / (p.nMels + 1));
  const binHz = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) binHz[k] = ((p.sampleRate / 2) * k) / (nBins - 1);
  const weights = new Float32Array(p.nMels * nBins);
  const ranges: { start: number; end: number }[] = [];
  for (let m = 0; m < p.nMels; m++) {
    const lo = edges[m]!, mid = edges[m + 1]!, hi = edges[m + 2]!;
    const scale = 2 / (hi - lo);
    let start = -1, end = -1;
    for (let k = 0; k < nBins; k++) {
      const rising = (binHz[k]! - lo) / (mid - lo);
      const falling = (hi - binHz[k]!) / (hi - mid);
      const w = Math.max(0, Math.min(rising, falling)) * scale;
      if (w > 0) {
        weights[m * nBins + k] = w;
        if (start < 0) start = k;
        end = k + 1;
      }
    }
    ranges.push(start < 0 ? { start: 0, end: 0 } : { start, end });
  }
  return { nMels: p.nMels, nBins, weights, ranges, edgesHz: edges };
}

/** Periodic Hann window (torch.hann_window(n, periodic=True)). */
export function hannPeriodic(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** Frames of a centred STFT: N//hop + 1 (rvc-formats §2.5). */
export function stftFrameCount(n: number, hop: number = RMVPE_MEL.hop): number {
  return Math.floor(n / hop) + 1;
}

/** Index into a signal of length n with reflect padding (edge not repeated), folded as often as needed. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const j = (((i % period) + period) % period) | 0;
  return j < n ? j : period - j;
}

interface MelPlan {
  params: MelParams;
  bank: MelFilterBank;
  window: Float64Array;
}

const plans = new Map<string, MelPlan>();
function melPlan(p: MelParams): MelPlan {
  const key = JSON.stringify(p);
  let plan = plans.get(key);
  if (!plan) {
    if (p.winLength !== p.nFft) throw new Error("winLength must equal nFft");
    plan = { params: p, bank: melFilterBank(p), window: hannPeriodic(p.winLength) };
    plans.set(key, plan);
  }
  return plan;
}

export interface LogMelTarget {
  /** row-major [nMels, stride]; frame f of the range goes to column `column + f` */
  out: Float32Array;
  stride: number;
  column?: number;
}

/**
 * Log-mel of frames [startFrame, startFrame + frames) of signal x, written into `target` (mel-major, the layout of
 * the model input [1, 128, T]). Frames are centred on sample t·hop; samples outside x come from reflect padding, so
 * any range equals the same columns of the whole-signal result.
 */
export function logMelInto(
  x: Float32Array,
  startFrame: number,
  frames: number,
  target: LogMelTarget,
  params: MelParams = RMVPE_MEL,
): void {
  const { bank, window } = melPlan(params);
  const { nFft, hop, clamp } = params;
  const n = x.length;
  if (n === 0) throw new Error("log-mel of an empty signal");
  const half = nFft / 2;
  const fft = fftPlan(nFft);
  const re = new Float64Array(nFft);
  const im = new Float64Array(nFft);
  const magA = new Float64Array(bank.nBins);
  const magB = new Float64Array(bank.nBins);
  const column = target.column ?? 0;
  const fill = (buf: Float64Array, t: number) => {
    const first = t * hop - half;
    if (first >= 0 && first + nFft <= n) {
      for (let i = 0; i < nFft; i++) buf[i] = x[first + i]! * window[i]!;
    } else {
      for (let i = 0; i < nFft; i++) buf[i] = x[reflectIndex(first + i, n)]! * window[i]!;
    }
  };
  const emit = (mag: Float64Array, f: number) => {
    const col = column + f;
    for (let m = 0; m < bank.nMels; m++) {
      const { start, end } = bank.ranges[m]!;
      const row = m * bank.nBins;
      let s = 0;
      for (let k = start; k < end; k++) s += bank.weights[row + k]! * mag[k]!;
      target.out[m * target.stride + col] = Math.log(s > clamp ? s : clamp);
    }
  };
  for (let f = 0; f < frames; f += 2) {
    fill(re, startFrame + f);
    if (f + 1 < frames) fill(im, startFrame + f + 1);
    else im.fill(0);
    twoRealMagnitudes(fft, re, im, magA, magB);
    emit(magA, f);
    if (f + 1 < frames) emit(magB, f + 1);
  }
}

/** The whole log-mel [nMels, N//hop + 1] as a new array. */
export function logMel(x: Float32Array, params: MelParams = RMVPE_MEL): { data: Float32Array; frames: number; nMels: number } {
  const frames = stftFrameCount(x.length, params.hop);
  const data = new Float32Array(params.nMels * frames);
  logMelInto(x, 0, frames, { out: data, stride: frames }, params);
  return { data, frames, nMels: params.nMels };
}
