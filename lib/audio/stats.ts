/** Level statistics of decoded audio, accumulated chunk by chunk (constant memory). Pure. */

/** |x| at or above this counts as clipped (16-bit full scale is 32767/32768 ≈ 0.99997). */
export const CLIP_LEVEL = 0.999;
/** a 50 ms window whose RMS (over all channels) is below this is silence */
export const SILENCE_DB = -50;
export const WINDOW_SECONDS = 0.05;

export interface AudioStats {
  /** largest |sample| over all channels (may exceed 1 for float files) */
  peak: number;
  peakDb: number;
  /** RMS over the whole file and all channels, dBFS */
  rmsDb: number;
  /** share of samples at or beyond CLIP_LEVEL */
  clippedFraction: number;
  /** share of 50 ms windows below SILENCE_DB */
  silentFraction: number;
}

/** dBFS rounded to 0.01, floored at -200 (digital silence) so that it stays a JSON number. */
export const toDb = (x: number): number => (x > 0 ? Math.max(-200, Math.round(20 * Math.log10(x) * 100) / 100) : -200);

export class StatsAccumulator {
  frames = 0;
  private peak = 0;
  private sumSq = 0;
  private clipped = 0;
  private windows = 0;
  private silentWindows = 0;
  private winSumSq = 0;
  private winFrames = 0;
  private readonly winSize: number;
  private readonly silenceMs: number;

  constructor(
    readonly channels: number,
    sampleRate: number,
  ) {
    if (!(channels >= 1)) throw new RangeError(`bad channel count ${channels}`);
    this.winSize = Math.max(1, Math.round(sampleRate * WINDOW_SECONDS));
    this.silenceMs = 10 ** (SILENCE_DB / 10);
  }

  /** Interleaved samples; the length must be a whole number of frames. */
  push(samples: Float32Array): void {
    const ch = this.channels;
    if (samples.length % ch !== 0) throw new RangeError("a chunk must hold whole frames");
    for (let i = 0; i < samples.length; i += ch) {
      let frameSq = 0;
      for (let c = 0; c < ch; c++) {
        const x = samples[i + c]!;
        const a = x < 0 ? -x : x;
        if (a > this.peak) this.peak = a;
        if (a >= CLIP_LEVEL) this.clipped++;
        frameSq += x * x;
      }
      this.sumSq += frameSq;
      this.winSumSq += frameSq;
      if (++this.winFrames === this.winSize) this.closeWindow();
    }
    this.frames += samples.length / ch;
  }

  private closeWindow(): void {
    if (this.winFrames === 0) return;
    this.windows++;
    if (this.winSumSq / (this.winFrames * this.channels) < this.silenceMs) this.silentWindows++;
    this.winSumSq = 0;
    this.winFrames = 0;
  }

  result(): AudioStats {
    // a trailing partial window counts only if it is at least half a window
    if (this.winFrames >= this.winSize / 2 || this.windows === 0) this.closeWindow();
    const n = this.frames * this.channels;
    return {
      peak: this.peak,
      peakDb: toDb(this.peak),
      rmsDb: n === 0 ? -200 : toDb(Math.sqrt(this.sumSq / n)),
      clippedFraction: n === 0 ? 0 : this.clipped / n,
      silentFraction: this.windows === 0 ? 1 : this.silentWindows / this.windows,
    };
  }
}
