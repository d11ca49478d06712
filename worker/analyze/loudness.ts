/**
 * ITU-R BS.1770-4 building blocks (pure): the K-weighting filter designed for any sample rate, the channel weights,
 * and a gating histogram that gives the integrated loudness in constant memory.
 *
 * K-weighting is two biquads: a high shelf (+4 dB above ~1.7 kHz, the head's acoustic effect) and a high-pass
 * ("RLB", ~38 Hz). BS.1770 tabulates their coefficients for 48 kHz only. Here both are designed from their analog
 * prototypes with the bilinear transform (pre-warped at the corner frequency, in the usual biquad "cookbook" form),
 * using the prototype parameters (corner, Q, gain) that reproduce the 48 kHz table; the tests check the 48 kHz
 * coefficients against the table and the loudness of reference tones at 44.1, 40 and 48 kHz.
 */

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** Analog prototype parameters of the two K-weighting stages (those that give BS.1770's 48 kHz table). */
export const K_WEIGHTING_PROTOTYPE = {
  shelf: { f0: 1681.974450955533, gainDb: 3.999843853973347, q: 0.7071752369554196 },
  highpass: { f0: 38.13547087602444, q: 0.5003270373238773 },
} as const;

/** BS.1770-4 table 1 and 2: the 48 kHz coefficients (the test reference). */
export const BS1770_48K: { shelf: Biquad; highpass: Biquad } = {
  shelf: { b0: 1.53512485958697, b1: -2.69169618940638, b2: 1.19839281085285, a1: -1.69065929318241, a2: 0.73248077421585 },
  highpass: { b0: 1, b1: -2, b2: 1, a1: -1.99004745483398, a2: 0.99007225036621 },
};

function checkRate(sampleRate: number): void {
  const { shelf } = K_WEIGHTING_PROTOTYPE;
  if (!(Number.isFinite(sampleRate) && sampleRate > 2 * shelf.f0)) {
    throw new RangeError(`K-weighting needs a sample rate above ${Math.ceil(2 * shelf.f0)} Hz, got ${sampleRate}`);
  }
}

/** The two K-weighting biquads for a sample rate (a0 normalised to 1). */
export function kWeighting(sampleRate: number): { shelf: Biquad; highpass: Biquad } {
  checkRate(sampleRate);
  const { shelf: s, highpass: h } = K_WEIGHTING_PROTOTYPE;
  // high shelf: H(s) = (Vh·s² + Vb·(ω0/Q)·s + ω0²) / (s² + (ω0/Q)·s + ω0²) with Vb = Vh^0.49966…, bilinear at ω0
  let k = Math.tan((Math.PI * s.f0) / sampleRate);
  const vh = 10 ** (s.gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / s.q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / s.q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / s.q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / s.q + k * k) / a0,
  };
  // second-order high-pass s² / (s² + (ω0/Q)·s + ω0²); BS.1770 leaves its numerator unnormalised (1, −2, 1)
  k = Math.tan((Math.PI * h.f0) / sampleRate);
  a0 = 1 + k / h.q + k * k;
  const highpass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / h.q + k * k) / a0 };
  return { shelf, highpass };
}

/** |H(f)| of a biquad (for tests and docs). */
export function biquadGain(q: Biquad, freq: number, sampleRate: number): number {
  const w = (2 * Math.PI * freq) / sampleRate;
  const c1 = Math.cos(w), s1 = Math.sin(w), c2 = Math.cos(2 * w), s2 = Math.sin(2 * w);
  const nr = q.b0 + q.b1 * c1 + q.b2 * c2, ni = -(q.b1 * s1 + q.b2 * s2);
  const dr = 1 + q.a1 * c1 + q.a2 * c2, di = -(q.a1 * s1 + q.a2 * s2);
  return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
}

const S = 1.41; // BS.1770 weight of the surround channels
/**
 * BS.1770 channel weights for the layout ffmpeg assigns to a channel count (the decoder's order): front and centre
 * 1.0, surround/back 1.41, LFE 0. Counts above 8 weigh every channel 1.0. A mono file is one channel of weight 1
 * (so a −20 dBFS 1 kHz sine reads −23 LUFS; some meters treat mono as dual-mono, 3 dB louder).
 */
export function channelWeights(channels: number): number[] {
  const table: Record<number, number[]> = {
    1: [1],
    2: [1, 1],
    3: [1, 1, 0], // 2.1
    4: [1, 1, 1, S], // 4.0: FL FR FC BC
    5: [1, 1, 1, S, S], // 5.0
    6: [1, 1, 1, 0, S, S], // 5.1
    7: [1, 1, 1, 0, S, S, S], // 6.1
    8: [1, 1, 1, 0, S, S, S, S], // 7.1
  };
  return table[channels] ?? new Array<number>(channels).fill(1);
}

export const ABSOLUTE_GATE_LUFS = -70;
export const RELATIVE_GATE_LU = -10;
/** loudness of a block from its weighted mean square z: −0.691 + 10·log10(z) */
export const lufsOf = (z: number): number => -0.691 + 10 * Math.log10(z);

/**
 * Gating blocks (400 ms, 75 % overlap) collected in a fine histogram (0.01 LU bins from the absolute gate up):
 * each bin keeps its block count and the sum of their mean squares, so the integrated loudness is exact but for the
 * blocks that share the relative gate's bin (a difference far below 0.01 LU). Memory: constant.
 */
export class GatingHistogram {
  static readonly STEP = 0.01;
  static readonly TOP = 30; // LUFS; louder blocks (float files over full scale) go into the top bin
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  blocks = 0;

  constructor() {
    const bins = Math.ceil((GatingHistogram.TOP - ABSOLUTE_GATE_LUFS) / GatingHistogram.STEP);
    this.counts = new Float64Array(bins);
    this.sums = new Float64Array(bins);
  }

  /** a block's weighted mean square (Σ G·ms over channels) */
  add(z: number): void {
    this.blocks++;
    const l = lufsOf(z);
    if (!(l > ABSOLUTE_GATE_LUFS)) return;
    const bin = Math.min(this.counts.length - 1, Math.floor((l - ABSOLUTE_GATE_LUFS) / GatingHistogram.STEP));
    this.counts[bin]! += 1;
    this.sums[bin]! += z;
  }

  /** integrated loudness, LUFS; null when every block is gated out (or there is none) */
  integrated(): number | null {
    let n = 0, s = 0;
    for (let i = 0; i < this.counts.length; i++) {
      n += this.counts[i]!;
      s += this.sums[i]!;
    }
    if (n === 0) return null;
    const gate = lufsOf(s / n) + RELATIVE_GATE_LU;
    const from = Math.max(0, Math.floor((gate - ABSOLUTE_GATE_LUFS) / GatingHistogram.STEP));
    n = 0;
    s = 0;
    for (let i = from; i < this.counts.length; i++) {
      n += this.counts[i]!;
      s += this.sums[i]!;
    }
    return n === 0 ? null : lufsOf(s / n);
  }
}

/** The K-weighting biquads' coefficients as one flat list [b0, b1, b2, a1, a2, high-pass a1, high-pass a2]. */
export function kCoefficients(sampleRate: number): Float64Array {
  const k = kWeighting(sampleRate);
  return Float64Array.of(k.shelf.b0, k.shelf.b1, k.shelf.b2, k.shelf.a1, k.shelf.a2, k.highpass.a1, k.highpass.a2);
}

/**
 * Run the K-weighting filter over x[from, to) and add the filtered squares to `acc` (returned). `state[o…o+3]` holds
 * the shelf's and the high-pass's two delays and is carried on, so consecutive calls equal one call over the whole
 * range sample for sample. The one copy of the loop (the analyser's and integratedLoudness's).
 */
export function kFilterRun(coef: Float64Array, state: Float64Array, o: number, x: ArrayLike<number>, from: number, to: number, acc: number): number {
  const b0 = coef[0]!, b1 = coef[1]!, b2 = coef[2]!, a1 = coef[3]!, a2 = coef[4]!, h1 = coef[5]!, h2 = coef[6]!;
  let s1 = state[o]!, s2 = state[o + 1]!, t1 = state[o + 2]!, t2 = state[o + 3]!;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    const y = b0 * v + s1;
    s1 = b1 * v - a1 * y + s2;
    s2 = b2 * v - a2 * y;
    const z = y + t1;
    t1 = -2 * y - h1 * z + t2;
    t2 = y - h2 * z;
    acc += z * z;
  }
  state[o] = s1;
  state[o + 1] = s2;
  state[o + 2] = t1;
  state[o + 3] = t2;
  return acc;
}

/** Integrated loudness (LUFS, null when gated out) of one mono channel, weight 1 — what normalisation targets. */
export function integratedLoudness(mono: Float32Array, sampleRate: number): number | null {
  const coef = kCoefficients(sampleRate);
  const state = new Float64Array(4);
  const sub = Math.max(1, Math.round(sampleRate * 0.1));
  const ring = new Float64Array(4);
  const gating = new GatingHistogram();
  let subs = 0;
  // 100 ms sub-blocks; a 400 ms block (75 % overlap) is the mean of the last four
  for (let i = 0; i + sub <= mono.length; i += sub) {
    ring[subs++ % 4] = kFilterRun(coef, state, 0, mono, i, i + sub, 0) / sub;
    if (subs >= 4) gating.add((ring[0]! + ring[1]! + ring[2]! + ring[3]!) / 4);
  }
  return gating.integrated();
}
