/**
 * True peak (ITU-R BS.1770-4 annex 2): the largest |x| of the signal reconstructed between its samples, measured by
 * 4× oversampling with a polyphase FIR (a Kaiser-windowed sinc whose zeros fall on the original samples, so phase 0
 * is the samples themselves and only the three fractional phases are computed). Streaming, per channel; constant
 * memory. Pure. Only the gaps between samples whose whole filter window lies inside the clip are interpolated: the
 * first and last T/2 gaps would otherwise read the ringing of an abrupt start or end against assumed zeros.
 */

export const OVERSAMPLING = 4;
/** taps per phase (BS.1770's example filter has 12; 16 keeps the passband within ±0.05 dB up to 0.8·Nyquist) */
export const TAPS_PER_PHASE = 16;
const KAISER_BETA = 6;

function besselI0(x: number): number {
  let sum = 1, term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 100; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * The fractional phases p = 1…L−1: phase[p − 1][k] is the weight of x[n − k] in the value at time n − T/2 + p/L.
 * Each phase is normalised to a DC gain of 1.
 */
export function truePeakPhases(): Float64Array[] {
  const L = OVERSAMPLING, T = TAPS_PER_PHASE;
  const len = L * T + 1;
  const centre = (L * T) / 2;
  const h = new Float64Array(len);
  const i0b = besselI0(KAISER_BETA);
  for (let j = 0; j < len; j++) {
    const t = (j - centre) / L;
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const r = (j - centre) / centre;
    h[j] = (sinc * besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r)))) / i0b;
  }
  const phases: Float64Array[] = [];
  for (let p = 1; p < L; p++) {
    const g = new Float64Array(T);
    let sum = 0;
    for (let k = 0; k < T; k++) sum += g[k] = h[k * L + p]!;
    for (let k = 0; k < T; k++) g[k]! /= sum;
    phases.push(g);
  }
  return phases;
}

const PHASES = truePeakPhases();
/** the largest Σ|g| of a phase: a window whose max |x| times this cannot beat the running peak is skipped */
const MAX_ABS_GAIN = Math.max(...PHASES.map((g) => g.reduce((s, v) => s + Math.abs(v), 0)));
const SKIP_BLOCK = 256;

/** True peak of one channel over consecutive blocks (the same result as one block of the whole). */
export class TruePeakMeter {
  /** the last T − 1 samples before the next block, then the block */
  private buf = new Float64Array(TAPS_PER_PHASE - 1 + 4096);
  peak = 0;
  /** samples seen so far (interpolation starts once a whole window of real samples is in) */
  private seen = 0;

  /** x: the next samples of the channel */
  push(x: ArrayLike<number>, from = 0, to = x.length): void {
    const H = TAPS_PER_PHASE - 1;
    const n = to - from;
    if (H + n > this.buf.length) {
      const next = new Float64Array(H + n);
      next.set(this.buf.subarray(0, H));
      this.buf = next;
    }
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      const v = x[from + i]!;
      b[H + i] = v;
      const a = v < 0 ? -v : v;
      if (a > this.peak) this.peak = a;
    }
    // the window of position i is buf[i − H … i]; it holds only real samples from i = 2H − seen on
    this.scan(Math.max(H, 2 * H - this.seen), H + n);
    this.seen += n;
    b.copyWithin(0, n, n + H);
  }

  /** values for every position in [first, end) of buf (each needs buf[i − T + 1 … i]) */
  private scan(first: number, end: number): void {
    const b = this.buf, T = TAPS_PER_PHASE;
    const [g1, g2, g3] = PHASES as [Float64Array, Float64Array, Float64Array];
    for (let start = first; start < end; start += SKIP_BLOCK) {
      const stop = Math.min(end, start + SKIP_BLOCK);
      let m = 0;
      for (let i = start - T + 1; i < stop; i++) {
        const a = b[i]! < 0 ? -b[i]! : b[i]!;
        if (a > m) m = a;
      }
      if (m * MAX_ABS_GAIN <= this.peak) continue;
      let peak = this.peak;
      for (let n = start; n < stop; n++) {
        let y1 = 0, y2 = 0, y3 = 0;
        for (let k = 0; k < T; k++) {
          const v = b[n - k]!;
          y1 += g1[k]! * v;
          y2 += g2[k]! * v;
          y3 += g3[k]! * v;
        }
        if (y1 < 0) y1 = -y1;
        if (y2 < 0) y2 = -y2;
        if (y3 < 0) y3 = -y3;
        if (y1 > peak) peak = y1;
        if (y2 > peak) peak = y2;
        if (y3 > peak) peak = y3;
      }
      this.peak = peak;
    }
  }
}
