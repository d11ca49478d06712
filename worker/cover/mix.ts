/**
 * The mix of a song cover (pure, over typed arrays): the converted vocals and the accompaniment, each × its gain
 * (dB), the accompaniment transposed when asked, summed and soft-limited so the mix never clips, every part cut or
 * zero-padded to exactly the song's length.
 *
 * Pitch shift (`pitchShift`): a phase vocoder time-stretch (worker/separate/fft.ts; Hann frames of 2048, analysis hop
 * 512, synthesis hop round(512·r) for the ratio r = 2^(semitones/12)) followed by reading the stretched signal
 * a = hop_s/hop_a times as fast through the project's resampler (worker/dsp/resample.ts, from "rate" hop_s to hop_a:
 * Kaiser-windowed sinc, anti-aliased when a > 1).
 * The length stays exactly that of the input; the ratio is a, within 1/1024 of r (under 2 cents). No phase locking:
 * transients smear a little ("phasiness"), the price of a simple shifter.
 */
import { resample } from "../dsp/resample";
import { anyFft } from "../separate/fft";

/** dB → linear gain. */
export const dbToGain = (db: number): number => Math.pow(10, db / 20);

/** Where the soft limiter starts to bend (−1 dBFS) and the level it approaches but never reaches. */
export const LIMIT_KNEE = 0.891;
export const LIMIT_CEILING = 0.99;

/** Identity up to the knee; above it a tanh curve toward the ceiling (continuous, with slope 1 at the knee). */
export function softLimit(v: number): number {
  const a = Math.abs(v);
  if (a <= LIMIT_KNEE) return v;
  const room = LIMIT_CEILING - LIMIT_KNEE;
  const y = LIMIT_KNEE + room * Math.tanh((a - LIMIT_KNEE) / room);
  return v < 0 ? -y : y;
}

/** `x` cut or zero-padded to `length` samples (a new array). */
export function fitLength(x: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(x.length > length ? x.subarray(0, length) : x);
  return out;
}

/** `x` × gain, cut or zero-padded to `length` (one new array). */
function scaledTo(x: Float32Array, length: number, gain: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0, n = Math.min(length, x.length); i < n; i++) out[i] = x[i]! * gain;
  return out;
}

const FRAME = 2048;
const HOP = 512;

function hannPeriodic(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** Phase-vocoder time stretch of `x` by `synHop / HOP`: about x.length · synHop / HOP samples, the same pitch. */
function timeStretch(x: Float32Array, synHop: number, signal?: AbortSignal): Float32Array {
  const n = FRAME, half = n / 2, bins = half + 1;
  const fft = anyFft(n);
  const w = hannPeriodic(n);
  const frames = Math.ceil(x.length / HOP) + 1;
  const outLen = Math.round((x.length * synHop) / HOP);
  // output buffer index j holds stretched sample j − half
  const acc = new Float64Array((frames - 1) * synHop + n + 1);
  const norm = new Float64Array(acc.length);
  const re = new Float64Array(n), im = new Float64Array(n);
  const prev = new Float64Array(bins), phase = new Float64Array(bins);
  for (let k = 0; k < frames; k++) {
    if ((k & 255) === 0 && signal?.aborted) throw signal.reason ?? new Error("aborted");
    const start = k * HOP - half;
    for (let i = 0; i < n; i++) {
      const s = start + i;
      re[i] = s >= 0 && s < x.length ? x[s]! * w[i]! : 0;
      im[i] = 0;
    }
    fft.forward(re, im);
    for (let b = 0; b < bins; b++) {
      const mag = Math.hypot(re[b]!, im[b]!);
      const ph = Math.atan2(im[b]!, re[b]!);
      if (k === 0) {
        phase[b] = ph;
      } else {
        const omega = (2 * Math.PI * b) / n;
        let d = ph - prev[b]! - omega * HOP;
        d -= 2 * Math.PI * Math.round(d / (2 * Math.PI));
        phase[b] = phase[b]! + (omega + d / HOP) * synHop;
      }
      prev[b] = ph;
      re[b] = mag * Math.cos(phase[b]!);
      im[b] = mag * Math.sin(phase[b]!);
    }
    im[0] = 0;
    im[half] = 0;
    for (let b = 1; b < half; b++) {
      re[n - b] = re[b]!;
      im[n - b] = -im[b]!;
    }
    fft.inverse(re, im);
    const at = k * synHop;
    for (let i = 0; i < n; i++) {
      acc[at + i] = acc[at + i]! + re[i]! * w[i]!;
      norm[at + i] = norm[at + i]! + w[i]! * w[i]!;
    }
  }
  const out = new Float32Array(outLen);
  for (let j = 0; j < outLen; j++) {
    const nn = norm[j + half]!;
    out[j] = nn > 1e-6 ? acc[j + half]! / nn : 0;
  }
  return out;
}

/** The synthesis hop pitchShift uses for `semitones` (the actual ratio is this / 512). */
export const pitchShiftHop = (semitones: number): number => Math.round(HOP * Math.pow(2, semitones / 12));

/** `x` transposed by `semitones` (any real number; 0: an exact copy), exactly as long as `x`. */
export function pitchShift(x: Float32Array, semitones: number, signal?: AbortSignal): Float32Array {
  if (semitones === 0 || x.length === 0) return x.slice();
  const synHop = pitchShiftHop(semitones);
  // read the stretched signal at synHop/HOP times the speed: the project's band-limited resampler, from "rate" synHop
  // to HOP (anti-aliased when reading faster), cut to the input's length
  return fitLength(resample(timeStretch(x, synHop, signal), synHop, HOP), x.length);
}

export interface MixInput {
  /** the converted vocals, one array per output channel (at the output rate) */
  vocals: readonly Float32Array[];
  /** the accompaniment, one array per output channel (at the output rate) */
  accompaniment: readonly Float32Array[];
  /** dB */
  vocalsGain: number;
  /** dB */
  accompanimentGain: number;
  /** semitones applied to the accompaniment */
  accompanimentPitch: number;
  /** samples per channel of every result */
  length: number;
  signal?: AbortSignal;
}

export interface MixResult {
  /** the sum, soft-limited */
  mix: Float32Array[];
  /** the vocals as mixed (gain applied, before summing) */
  vocals: Float32Array[];
  /** the accompaniment as mixed (transposed, gain applied, before summing) */
  accompaniment: Float32Array[];
  /** the sum's peak before limiting */
  peak: number;
  /** samples the limiter bent (|sum| above the knee) */
  limited: number;
}

/** Mix a cover; each part must have the same channel count. */
export function mixCover(input: MixInput): MixResult {
  const { length } = input;
  if (input.vocals.length !== input.accompaniment.length || input.vocals.length === 0) {
    throw new Error(`mixCover: ${input.vocals.length} vocal and ${input.accompaniment.length} accompaniment channels`);
  }
  const gv = dbToGain(input.vocalsGain), ga = dbToGain(input.accompanimentGain);
  const vocals = input.vocals.map((c) => scaledTo(c, length, gv));
  const accompaniment = input.accompaniment.map((c) => scaledTo(input.accompanimentPitch === 0 ? c : pitchShift(c, input.accompanimentPitch, input.signal), length, ga));
  let peak = 0, limited = 0;
  const mix = vocals.map((v, ch) => {
    const a = accompaniment[ch]!;
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      const s = v[i]! + a[i]!;
      const m = Math.abs(s);
      if (m > peak) peak = m;
      if (m > LIMIT_KNEE) limited++;
      out[i] = softLimit(s);
    }
    return out;
  });
  return { mix, vocals, accompaniment, peak, limited };
}
