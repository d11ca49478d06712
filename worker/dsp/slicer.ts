// RVC's silence slicer (slicer2 behaviour, rvc-formats §1.4): cuts long clips at silences,
// keeping at most max_sil_kept of silence around each cut.
import { roundHalfEven } from "./round";

export interface SlicerParams {
  thresholdDb: number;
  minLengthMs: number;
  minIntervalMs: number;
  hopMs: number;
  maxSilKeptMs: number;
}

/** The parameters RVC's preprocess uses. */
export const RVC_SLICER_PARAMS: SlicerParams = {
  thresholdDb: -42,
  minLengthMs: 1500,
  minIntervalMs: 400,
  hopMs: 15,
  maxSilKeptMs: 500,
};

export interface SlicerFrames {
  /** linear RMS threshold */
  threshold: number;
  /** hop and RMS window, samples */
  hop: number;
  win: number;
  /** the rest in frames */
  minLength: number;
  minInterval: number;
  maxSilKept: number;
}

/** Milliseconds → samples/frames, with the same float operations and half-even rounding as upstream. */
export function slicerFrames(sampleRate: number, p: SlicerParams = RVC_SLICER_PARAMS): SlicerFrames {
  if (!(p.minLengthMs >= p.minIntervalMs && p.minIntervalMs >= p.hopMs && p.maxSilKeptMs >= p.hopMs)) {
    throw new RangeError("slicer needs minLength >= minInterval >= hop and maxSilKept >= hop");
  }
  const minIntervalSamples = (sampleRate * p.minIntervalMs) / 1000;
  const hop = roundHalfEven((sampleRate * p.hopMs) / 1000);
  return {
    threshold: 10 ** (p.thresholdDb / 20),
    hop,
    win: Math.min(roundHalfEven(minIntervalSamples), 4 * hop),
    minLength: roundHalfEven((sampleRate * p.minLengthMs) / 1000 / hop),
    minInterval: roundHalfEven(minIntervalSamples / hop),
    maxSilKept: roundHalfEven((sampleRate * p.maxSilKeptMs) / 1000 / hop),
  };
}

/**
 * RMS per frame like librosa.feature.rms(center=True, pad_mode="constant"): frame t covers
 * samples [t·hop − win/2, t·hop − win/2 + win) with zeros outside the signal.
 */
export function frameRms(x: ArrayLike<number>, win: number, hop: number): Float64Array {
  const half = Math.floor(win / 2);
  const frames = Math.max(0, Math.floor((x.length + 2 * half - win) / hop) + 1);
  const cum = new Float64Array(x.length + 1); // prefix sums of x² make each frame O(1)
  for (let i = 0; i < x.length; i++) cum[i + 1] = cum[i]! + x[i]! * x[i]!;
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const a = Math.min(x.length, Math.max(0, t * hop - half));
    const b = Math.min(x.length, Math.max(0, t * hop - half + win));
    out[t] = Math.sqrt(Math.max(0, cum[b]! - cum[a]!) / win);
  }
  return out;
}

/** Index of the first minimum of v[from, to) (numpy argmin semantics; `to` is clipped). */
function argmin(v: Float64Array, from: number, to: number): number {
  const end = Math.min(to, v.length);
  let best = from;
  for (let i = from + 1; i < end; i++) if (v[i]! < v[best]!) best = i;
  return best;
}

export interface SampleRange {
  start: number;
  end: number;
}

/** Frame ranges [from, to) of silence to remove, in order. */
function silenceTags(rms: Float64Array, f: SlicerFrames): [number, number][] {
  const tags: [number, number][] = [];
  let silenceStart: number | null = null;
  let clipStart = 0;
  for (let i = 0; i < rms.length; i++) {
    if (rms[i]! < f.threshold) {
      if (silenceStart === null) silenceStart = i;
      continue;
    }
    if (silenceStart === null) continue;
    const s = silenceStart;
    silenceStart = null;
    const leading = s === 0 && i > f.maxSilKept;
    const middle = i - s >= f.minInterval && i - clipStart >= f.minLength;
    if (!leading && !middle) continue;
    if (i - s <= f.maxSilKept) {
      // short: one cut at the quietest frame
      const pos = argmin(rms, s, i + 1);
      tags.push(s === 0 ? [0, pos] : [pos, pos]);
      clipStart = pos;
    } else {
      const posL = argmin(rms, s, s + f.maxSilKept + 1);
      const posR = argmin(rms, i - f.maxSilKept, i + 1);
      if (i - s <= 2 * f.maxSilKept) {
        // medium: also consider the quietest frame of the overlap of both margins
        const pos = argmin(rms, i - f.maxSilKept, s + f.maxSilKept + 1);
        const right = s === 0 ? posR : Math.max(posR, pos);
        tags.push(s === 0 ? [0, posR] : [Math.min(posL, pos), right]);
        clipStart = right;
      } else {
        tags.push(s === 0 ? [0, posR] : [posL, posR]);
        clipStart = posR;
      }
    }
  }
  const total = rms.length;
  if (silenceStart !== null && total - silenceStart >= f.minInterval) {
    const silenceEnd = Math.min(total, silenceStart + f.maxSilKept);
    tags.push([argmin(rms, silenceStart, silenceEnd + 1), total + 1]);
  }
  return tags;
}

/**
 * Sample ranges of the clips the slicer keeps, in order. One range covering everything when
 * nothing is cut. Upstream's early return compares the sample count with min_length in frames;
 * we keep that quirk so results match.
 */
export function sliceRanges(
  x: ArrayLike<number>,
  sampleRate: number,
  params: SlicerParams = RVC_SLICER_PARAMS,
): SampleRange[] {
  const f = slicerFrames(sampleRate, params);
  return rangesFromRms(x.length, f, () => frameRms(x, f.win, f.hop));
}

/** The slicer's decision for `n` samples whose frame RMS `rmsOf` gives (asked for only when needed). */
function rangesFromRms(n: number, f: SlicerFrames, rmsOf: () => Float64Array): SampleRange[] {
  if (n <= f.minLength) return [{ start: 0, end: n }];
  const rms = rmsOf();
  const tags = silenceTags(rms, f);
  if (tags.length === 0) return [{ start: 0, end: n }];
  const range = (a: number, b: number): SampleRange => ({
    start: Math.min(n, a * f.hop),
    end: Math.min(n, b * f.hop),
  });
  const out: SampleRange[] = [];
  const total = rms.length;
  if (tags[0]![0] > 0) out.push(range(0, tags[0]![0]));
  for (let k = 0; k + 1 < tags.length; k++) out.push(range(tags[k]![1], tags[k + 1]![0]));
  if (tags[tags.length - 1]![1] < total) out.push(range(tags[tags.length - 1]![1], total));
  return out;
}

/** The slicer's clips as views into `x`. */
export function sliceAudio(x: Float32Array, sampleRate: number, params: SlicerParams = RVC_SLICER_PARAMS): Float32Array[] {
  return sliceRanges(x, sampleRate, params).map((r) => x.subarray(r.start, r.end));
}

/** A growing float64 list (doubling), for per-file indexes of unknown length. */
class Float64List {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/**
 * The slicer over a stream: push the signal block by block, then `ranges()` gives what sliceRanges gives for the
 * whole signal. It keeps only the running sum of squares at each RMS frame's two edges (16 bytes per hop, e.g.
 * 2 MB for 30 min at 40 kHz), not the signal; frameRms takes the same differences of the same prefix sums.
 */
export class SlicerIndex {
  readonly frames: SlicerFrames;
  private readonly half: number;
  private cum = 0;
  private n = 0;
  /** prefix sum at max(0, t·hop − half) and at max(0, t·hop − half + win), for t = 0, 1, … as reached */
  private readonly lo = new Float64List();
  private readonly hi = new Float64List();

  constructor(sampleRate: number, params: SlicerParams = RVC_SLICER_PARAMS) {
    this.frames = slicerFrames(sampleRate, params);
    this.half = Math.floor(this.frames.win / 2);
  }

  /** samples pushed so far */
  get length(): number {
    return this.n;
  }

  private record(): void {
    const { hop, win } = this.frames;
    while (this.lo.length * hop - this.half <= this.n) this.lo.push(this.cum);
    while (this.hi.length * hop - this.half + win <= this.n) this.hi.push(this.cum);
  }

  push(x: ArrayLike<number>): void {
    const { hop, win } = this.frames;
    let nextLo = this.lo.length * hop - this.half;
    let nextHi = this.hi.length * hop - this.half + win;
    for (let i = 0; i < x.length; i++) {
      if (nextLo <= this.n || nextHi <= this.n) {
        this.record();
        nextLo = this.lo.length * hop - this.half;
        nextHi = this.hi.length * hop - this.half + win;
      }
      this.cum += x[i]! * x[i]!;
      this.n++;
    }
  }

  /** RMS per frame of everything pushed (as frameRms of the whole signal). */
  rms(): Float64Array {
    this.record();
    const { hop, win } = this.frames;
    const count = Math.max(0, Math.floor((this.n + 2 * this.half - win) / hop) + 1);
    const out = new Float64Array(count);
    for (let t = 0; t < count; t++) {
      // edges past the end are clamped to it: the prefix sum there is the total
      const a = t < this.lo.length ? this.lo.data[t]! : this.cum;
      const b = t < this.hi.length ? this.hi.data[t]! : this.cum;
      out[t] = Math.sqrt(Math.max(0, b - a) / win);
    }
    return out;
  }

  /** The clips of everything pushed (as sliceRanges of the whole signal). */
  ranges(): SampleRange[] {
    return rangesFromRms(this.n, this.frames, () => this.rms());
  }
}
