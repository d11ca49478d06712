/**
 * The dataset doctor's measurements of one clip (issue 16), streaming: `ClipAnalyzer.push` takes interleaved blocks
 * of any size and keeps constant memory (filter states, histograms, a capped region list, one FFT frame), so a
 * long upload costs no more memory than a slice, and block-wise pushes give exactly the whole-push result. Pure.
 *
 * - loudness: ITU-R BS.1770-4 integrated loudness (K-weighting for any rate, 400 ms blocks every 100 ms, absolute gate
 *   −70 LUFS, relative gate −10 LU, channel weights) — `loudness.ts`; true peak by 4× polyphase oversampling —
 *   `true-peak.ts`.
 * - clipping: runs of ≥ 3 consecutive samples at |x| ≥ 0.999, or, when a polarity never reaches that, at the file's
 *   own flat-top level (its largest value, to a relative 1e-6: clipped audio turned down afterwards) if there are at
 *   least 3 such runs (a single run at the maximum happens in clean audio too).
 * - levels of 50 ms frames (RMS over all channels) in a 0.05 dB histogram: silence share (< −50 dBFS), noise floor =
 *   10th percentile of the frames above digital silence, active level = 90th percentile, SNR = (active − floor power)
 *   over floor power. A clip with no pauses has no quiet frames to measure, so its floor reads high (documented).
 * - bandwidth: Hann-windowed power spectrum of the channel mean, averaged over all frames; bands of 1/6 octave (at
 *   least 100 Hz); the highest band within 50 dB of the loudest band above 60 Hz, refined to its highest bin within
 *   50 dB.
 */
import { ANALYSIS_VERSION, type ClipAnalysis, type FlaggedRegion } from "@/lib/dataset/analysis";
import { CLIP_LEVEL, SILENCE_DB, WINDOW_SECONDS, toDb } from "@/lib/audio/stats";
import { fftPlan, type Fft } from "../extract/fft";
import { DbHistogram } from "./histogram";
import { GatingHistogram, channelWeights, kCoefficients, kFilterRun } from "./loudness";
import { RegionList, mergeSpans } from "./regions";
import { TruePeakMeter } from "./true-peak";

/** Every number the analyser decides with (docs/dataset-doctor.md lists them). */
export const ANALYZER = {
  clipLevel: CLIP_LEVEL,
  minClipRun: 3,
  /** flat tops below this level are not looked for */
  flatTopMinLevel: 0.1,
  flatTopMinRuns: 3,
  flatTopTolerance: 1e-6,
  frameSec: WINDOW_SECONDS,
  silenceDb: SILENCE_DB,
  /** frames below this are digital silence: no noise floor is read from them */
  digitalSilenceDb: -120,
  floorPercentile: 10,
  activePercentile: 90,
  /** SNR reads at least this (noise only) */
  minSnrDb: -30,
  /** silences at least this long become regions */
  longSilenceSec: 1,
  bandwidthRangeDb: 50,
  bandwidthMinPeakHz: 60,
  /** clipped spans closer than this merge into one region */
  clipMergeSec: 0.05,
  regionCapPerKind: 100,
  maxChannels: 64,
  minSampleRate: 4000,
  maxSampleRate: 768000,
} as const;

/** Per-channel runs of samples meeting one condition: runs of at least minClipRun samples count and become regions. */
class RunTracker {
  private readonly run: Int32Array;
  private readonly start: Float64Array;
  totals = { samples: 0, runs: 0, longest: 0 };
  readonly regions: RegionList;

  constructor(channels: number, mergeGap: number) {
    this.run = new Int32Array(channels);
    this.start = new Float64Array(channels);
    this.regions = new RegionList(ANALYZER.regionCapPerKind, mergeGap);
  }

  extend(c: number, idx: number): void {
    if (this.run[c] === 0) this.start[c] = idx;
    this.run[c]!++;
  }

  running(c: number): boolean {
    return this.run[c]! > 0;
  }

  close(c: number, idx: number): void {
    const n = this.run[c]!;
    if (n >= ANALYZER.minClipRun) {
      this.totals.samples += n;
      this.totals.runs++;
      if (n > this.totals.longest) this.totals.longest = n;
      this.regions.add(this.start[c]!, idx);
    }
    this.run[c] = 0;
  }

  /** forget everything (the flat-top level grew) and start channel c's run at idx */
  restart(c: number, idx: number): void {
    this.totals = { samples: 0, runs: 0, longest: 0 };
    this.regions.clear();
    this.run.fill(0);
    this.extend(c, idx);
  }

  result(): { samples: number; runs: number; longest: number; spans: [number, number][] } {
    return { ...this.totals, spans: this.regions.spans() };
  }
}

/** One polarity's clipping: full-scale runs, and runs at the running maximum (reset whenever the maximum grows). */
class PolarityClipping {
  level: number = ANALYZER.flatTopMinLevel;
  /** a sample at or above this is looked at */
  thr: number = ANALYZER.flatTopMinLevel;
  readonly active: Uint8Array;
  private readonly fs: RunTracker;
  private readonly flat: RunTracker;

  constructor(channels: number, mergeGap: number) {
    this.active = new Uint8Array(channels);
    this.fs = new RunTracker(channels, mergeGap);
    this.flat = new RunTracker(channels, mergeGap);
  }

  private tol(level: number): number {
    return level * ANALYZER.flatTopTolerance;
  }

  hit(c: number, idx: number, v: number): void {
    if (v >= ANALYZER.clipLevel) this.fs.extend(c, idx);
    else this.fs.close(c, idx);
    if (v > this.level + this.tol(this.level)) {
      this.flat.restart(c, idx);
      this.level = v;
      this.thr = Math.min(ANALYZER.clipLevel, v - this.tol(v));
    } else if (v >= this.level - this.tol(this.level)) this.flat.extend(c, idx);
    else this.flat.close(c, idx);
    this.active[c] = this.fs.running(c) || this.flat.running(c) ? 1 : 0;
  }

  miss(c: number, idx: number): void {
    this.fs.close(c, idx);
    this.flat.close(c, idx);
    this.active[c] = 0;
  }

  /** the runs that count: full-scale ones if this polarity reached full scale, else enough flat-top ones */
  result(): { samples: number; runs: number; longest: number; spans: [number, number][] } {
    if (this.level >= ANALYZER.clipLevel) return this.fs.result();
    if (this.flat.totals.runs >= ANALYZER.flatTopMinRuns) return this.flat.result();
    return { samples: 0, runs: 0, longest: 0, spans: [] };
  }
}

function checkFormat(channels: number, sampleRate: number): void {
  if (!Number.isInteger(channels) || channels < 1 || channels > ANALYZER.maxChannels) {
    throw new RangeError(`channels must be an integer in 1…${ANALYZER.maxChannels}, got ${channels}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < ANALYZER.minSampleRate || sampleRate > ANALYZER.maxSampleRate) {
    throw new RangeError(`sample rate must be an integer in ${ANALYZER.minSampleRate}…${ANALYZER.maxSampleRate} Hz, got ${sampleRate}`);
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export class ClipAnalyzer {
  private frames = 0;
  private finished = false;
  private work: Float64Array[];
  // loudness
  private readonly kState: Float64Array; // per channel: shelf s1, s2, high-pass s1, s2
  private readonly kCoef: Float64Array;
  private readonly weights: number[];
  private readonly subSize: number;
  private subFrames = 0;
  private readonly subSq: Float64Array;
  private readonly subRing = new Float64Array(4);
  private subCount = 0;
  private readonly gating = new GatingHistogram();
  // levels
  private peak = 0;
  private readonly dcSum: Float64Array; // per channel, so the summation order is the same for any blocks
  private readonly meters: TruePeakMeter[];
  private readonly pos: PolarityClipping;
  private readonly neg: PolarityClipping;
  // 50 ms frames
  private readonly frameSize: number;
  private readonly winSq: Float64Array; // per channel
  private winFrames = 0;
  private frameCount = 0;
  private silentFrames = 0;
  private silenceStart = -1;
  private readonly levels = new DbHistogram(-120, 20, 0.05);
  private readonly silenceRegions: RegionList;
  // spectrum (two real frames per complex FFT)
  private readonly fft: Fft;
  private readonly fftSize: number;
  private readonly hann: Float64Array;
  private readonly specBuf: Float64Array;
  private specFill = 0;
  private specFrames = 0;
  private readonly power: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(
    readonly channels: number,
    readonly sampleRate: number,
  ) {
    checkFormat(channels, sampleRate);
    this.work = Array.from({ length: channels }, () => new Float64Array(0));
    this.kCoef = kCoefficients(sampleRate);
    this.kState = new Float64Array(4 * channels);
    this.weights = channelWeights(channels);
    this.subSize = Math.max(1, Math.round(sampleRate * 0.1));
    this.subSq = new Float64Array(channels);
    this.dcSum = new Float64Array(channels);
    this.winSq = new Float64Array(channels);
    this.meters = Array.from({ length: channels }, () => new TruePeakMeter());
    const clipGap = Math.round(ANALYZER.clipMergeSec * sampleRate);
    this.pos = new PolarityClipping(channels, clipGap);
    this.neg = new PolarityClipping(channels, clipGap);
    this.frameSize = Math.max(1, Math.round(sampleRate * ANALYZER.frameSec));
    this.silenceRegions = new RegionList(ANALYZER.regionCapPerKind, this.frameSize);
    // bins of at most ~25 Hz
    let n = 256;
    while (sampleRate / n > 25) n *= 2;
    this.fftSize = n;
    this.fft = fftPlan(n);
    this.hann = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    this.specBuf = new Float64Array(2 * n);
    this.power = new Float64Array(n / 2 + 1);
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
  }

  /** Interleaved samples (a whole number of frames). Non-finite samples count as 0. */
  push(interleaved: Float32Array): void {
    const ch = this.channels;
    if (interleaved.length % ch !== 0) throw new RangeError("a block must hold whole frames");
    const n = interleaved.length / ch;
    this.process(n, (c, w) => {
      for (let i = 0, j = c; i < n; i++, j += ch) {
        const v = interleaved[j]!;
        w[i] = v - v === 0 ? v : 0;
      }
    });
  }

  /** The same as `push` for planar blocks (one array per channel, all the same length: what lib/audio's decoder gives). */
  pushPlanar(planar: readonly Float32Array[]): void {
    if (planar.length !== this.channels) throw new RangeError(`expected ${this.channels} channels, got ${planar.length}`);
    const n = planar[0]!.length;
    if (planar.some((p) => p.length !== n)) throw new RangeError("channels differ in length");
    this.process(n, (c, w) => {
      const p = planar[c]!;
      for (let i = 0; i < n; i++) {
        const v = p[i]!;
        w[i] = v - v === 0 ? v : 0;
      }
    });
  }

  private process(n: number, fill: (c: number, w: Float64Array) => void): void {
    if (this.finished) throw new Error("push after finish");
    if (n === 0) return;
    const ch = this.channels;
    const base = this.frames;
    for (let c = 0; c < ch; c++) {
      if (this.work[c]!.length < n) this.work[c] = new Float64Array(Math.max(n, 2 * this.work[c]!.length));
      const w = this.work[c]!;
      fill(c, w);
      this.meters[c]!.push(w, 0, n);
      this.levelsAndClipping(c, w, n, base);
    }
    this.spectrum(n);
    // K-weighted sub-blocks and 50 ms frames, in segments that end on either boundary
    let i = 0;
    while (i < n) {
      const seg = Math.min(n - i, this.subSize - this.subFrames, this.frameSize - this.winFrames);
      for (let c = 0; c < ch; c++) this.kFilter(c, this.work[c]!, i, i + seg);
      this.winFrames += seg;
      this.subFrames += seg;
      i += seg;
      if (this.winFrames === this.frameSize) this.closeFrame(base + i);
      if (this.subFrames === this.subSize) this.closeSub();
    }
    this.frames += n;
  }

  private levelsAndClipping(c: number, w: Float64Array, n: number, base: number): void {
    const pos = this.pos, neg = this.neg;
    let peak = this.peak, dc = this.dcSum[c]!;
    for (let i = 0; i < n; i++) {
      const v = w[i]!;
      dc += v;
      if (v >= 0) {
        if (v > peak) peak = v;
        if (v >= pos.thr) pos.hit(c, base + i, v);
        else if (pos.active[c]) pos.miss(c, base + i);
        if (neg.active[c]) neg.miss(c, base + i);
      } else {
        if (-v > peak) peak = -v;
        if (-v >= neg.thr) neg.hit(c, base + i, -v);
        else if (neg.active[c]) neg.miss(c, base + i);
        if (pos.active[c]) pos.miss(c, base + i);
      }
    }
    this.peak = peak;
    this.dcSum[c] = dc;
  }

  /** K-weighting of w[from, to) into the channel's sub-block sum, and Σx² of the raw samples into its frame sum (each
   *  sum runs sample by sample across calls, so any block sizes give the same bits) */
  private kFilter(c: number, w: Float64Array, from: number, to: number): void {
    let raw = this.winSq[c]!;
    for (let i = from; i < to; i++) raw += w[i]! * w[i]!;
    this.winSq[c] = raw;
    this.subSq[c] = kFilterRun(this.kCoef, this.kState, 4 * c, w, from, to, this.subSq[c]!);
  }

  private closeSub(): void {
    let z = 0;
    for (let c = 0; c < this.channels; c++) {
      z += this.weights[c]! * this.subSq[c]!;
      this.subSq[c] = 0;
    }
    this.subRing[this.subCount % 4] = z / this.subSize;
    this.subCount++;
    this.subFrames = 0;
    if (this.subCount >= 4) {
      const r = this.subRing;
      this.gating.add((r[0]! + r[1]! + r[2]! + r[3]!) / 4);
    }
  }

  /** a 50 ms frame ends at sample `end` */
  private closeFrame(end: number): void {
    let sq = 0;
    for (let c = 0; c < this.channels; c++) sq += this.winSq[c]!;
    const ms = sq / (this.winFrames * this.channels);
    const start = end - this.winFrames;
    this.winSq.fill(0);
    this.winFrames = 0;
    this.frameCount++;
    const db = ms > 0 ? 10 * Math.log10(ms) : -Infinity;
    if (db >= ANALYZER.digitalSilenceDb) this.levels.add(db);
    if (db < ANALYZER.silenceDb) {
      this.silentFrames++;
      if (this.silenceStart < 0) this.silenceStart = start;
    } else this.closeSilence(start);
  }

  private closeSilence(end: number): void {
    if (this.silenceStart >= 0 && end - this.silenceStart >= ANALYZER.longSilenceSec * this.sampleRate) {
      this.silenceRegions.add(this.silenceStart, end);
    }
    this.silenceStart = -1;
  }

  private spectrum(n: number): void {
    const ch = this.channels, buf = this.specBuf, N2 = buf.length, inv = 1 / ch;
    let i = 0;
    while (i < n) {
      const take = Math.min(n - i, N2 - this.specFill);
      for (let k = 0; k < take; k++) {
        let s = 0;
        for (let c = 0; c < ch; c++) s += this.work[c]![i + k]!;
        buf[this.specFill + k] = s * inv;
      }
      this.specFill += take;
      i += take;
      if (this.specFill === N2) this.spectrumPair(2);
    }
  }

  /** FFT of the two frames in specBuf (`frames` = 2, or 1 with the second zero) added to the power sum */
  private spectrumPair(frames: 1 | 2): void {
    const N = this.fftSize, re = this.re, im = this.im, buf = this.specBuf, w = this.hann;
    for (let k = 0; k < N; k++) {
      re[k] = buf[k]! * w[k]!;
      im[k] = frames === 2 ? buf[N + k]! * w[k]! : 0;
    }
    this.fft.forward(re, im);
    // |A[k]|² + |B[k]|² = (|Z[k]|² + |Z[N−k]|²) / 2 for z = a + i·b
    const p = this.power;
    for (let k = 0; k <= N / 2; k++) {
      const j = (N - k) & (N - 1);
      p[k]! += 0.5 * (re[k]! * re[k]! + im[k]! * im[k]! + re[j]! * re[j]! + im[j]! * im[j]!);
    }
    this.specFrames += frames;
    this.specFill = 0;
  }

  private bandwidth(): number {
    const N = this.fftSize, df = this.sampleRate / N, p = this.power;
    const bands: { from: number; to: number; power: number; centre: number }[] = [];
    for (let k = 1; k <= N / 2; ) {
      const fLo = (k - 0.5) * df;
      const width = Math.max(fLo * (2 ** (1 / 6) - 1), 100);
      const to = Math.min(N / 2 + 1, Math.max(k + 1, Math.ceil((fLo + width) / df + 0.5)));
      let s = 0;
      for (let j = k; j < to; j++) s += p[j]!;
      bands.push({ from: k, to, power: s / (to - k), centre: ((k + to - 1) / 2) * df });
      k = to;
    }
    let peak = 0;
    for (const b of bands) if (b.centre >= ANALYZER.bandwidthMinPeakHz && b.power > peak) peak = b.power;
    if (!(peak > 0)) return 0;
    const thr = peak * 10 ** (-ANALYZER.bandwidthRangeDb / 10);
    for (let b = bands.length - 1; b >= 0; b--) {
      const band = bands[b]!;
      if (band.power < thr) continue;
      let top = band.to - 1;
      while (top > band.from && p[top]! < thr) top--;
      return Math.min(this.sampleRate / 2, (top + 0.5) * df);
    }
    return 0;
  }

  finish(): ClipAnalysis {
    if (this.finished) throw new Error("finish called twice");
    this.finished = true;
    const ch = this.channels, end = this.frames;
    for (let c = 0; c < ch; c++) {
      if (this.pos.active[c]) this.pos.miss(c, end);
      if (this.neg.active[c]) this.neg.miss(c, end);
    }
    if (this.winFrames > 0 && (this.winFrames >= this.frameSize / 2 || this.frameCount === 0)) this.closeFrame(end);
    this.closeSilence(end);
    if (this.specFrames === 0 && this.specFill > 0) {
      this.specBuf.fill(0, this.specFill);
      this.spectrumPair(1);
    } else if (this.specFill >= this.fftSize) this.spectrumPair(1);

    const n = end * ch;
    const pos = this.pos.result(), neg = this.neg.result();
    const clippedSamples = pos.samples + neg.samples;
    const truePeak = Math.max(this.peak, ...this.meters.map((m) => m.peak));
    const floorDb = this.levels.percentile(ANALYZER.floorPercentile);
    const activeDb = this.levels.percentile(ANALYZER.activePercentile);
    let snrDb: number | null = null;
    if (floorDb !== null && activeDb !== null) {
      const ratio = 10 ** ((activeDb - floorDb) / 10) - 1;
      snrDb = Math.max(ANALYZER.minSnrDb, 10 * Math.log10(Math.max(ratio, 1e-12)));
    }
    const sr = this.sampleRate;
    const loudness = this.gating.integrated();
    const regions: FlaggedRegion[] = [
      ...mergeSpans([...pos.spans, ...neg.spans], Math.round(ANALYZER.clipMergeSec * sr))
        .slice(0, ANALYZER.regionCapPerKind)
        .map(([s, e]) => ({ startSec: s / sr, endSec: e / sr, kind: "clipping" as const })),
      ...this.silenceRegions.spans().map(([s, e]) => ({ startSec: s / sr, endSec: e / sr, kind: "silence" as const })),
    ].sort((a, b) => a.startSec - b.startSec);
    return {
      version: ANALYSIS_VERSION,
      durationSec: end / sr,
      sampleRate: sr,
      channels: ch,
      loudnessLufs: loudness === null ? null : round2(loudness),
      truePeakDbtp: toDb(truePeak),
      samplePeakDb: toDb(this.peak),
      clipping: {
        fraction: n === 0 ? 0 : clippedSamples / n,
        runs: pos.runs + neg.runs,
        longestRunMs: (Math.max(pos.longest, neg.longest) / sr) * 1000,
      },
      dcOffset: n === 0 ? 0 : this.dcSum.reduce((x, y) => x + y, 0) / n,
      noiseFloorDb: floorDb === null ? null : round2(floorDb),
      snrDb: snrDb === null ? null : round2(snrDb),
      bandwidthHz: Math.round(this.bandwidth()),
      silenceFraction: this.frameCount === 0 ? 1 : this.silentFrames / this.frameCount,
      regions,
    };
  }
}

/** The analysis of whole planar channels (all the same length). */
export function analyzeSamples(planar: Float32Array[], sampleRate: number): ClipAnalysis {
  if (planar.length === 0) throw new RangeError("no channels");
  const len = planar[0]!.length;
  if (planar.some((p) => p.length !== len)) throw new RangeError("channels differ in length");
  const a = new ClipAnalyzer(planar.length, sampleRate);
  const block = 65536;
  for (let s = 0; s < len; s += block) a.pushPlanar(planar.map((p) => p.subarray(s, Math.min(len, s + block))));
  return a.finish();
}
