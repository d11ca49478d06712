// Butterworth high-pass as RVC uses it (rvc-formats §1.3, §9.2 step 3): order 5, 48 Hz.
// Preprocess applies it causally (lfilter); conversion applies it zero-phase (filtfilt).

export interface IirCoefficients {
  /** numerator, b[0] first */
  readonly b: Float64Array;
  /** denominator, a[0] === 1 */
  readonly a: Float64Array;
}

type Complex = { re: number; im: number };

const cmul = (x: Complex, y: Complex): Complex => ({
  re: x.re * y.re - x.im * y.im,
  im: x.re * y.im + x.im * y.re,
});
const cdiv = (x: Complex, y: Complex): Complex => {
  const d = y.re * y.re + y.im * y.im;
  return { re: (x.re * y.re + x.im * y.im) / d, im: (x.im * y.re - x.re * y.im) / d };
};

/** Coefficients of prod (z - r_i), highest power first (like numpy.poly). */
function polyFromRoots(roots: readonly Complex[]): Complex[] {
  let c: Complex[] = [{ re: 1, im: 0 }];
  for (const r of roots) {
    const next: Complex[] = c.map((v) => ({ ...v }));
    next.push({ re: 0, im: 0 });
    for (let i = 0; i < c.length; i++) {
      const t = cmul(c[i]!, r);
      next[i + 1] = { re: next[i + 1]!.re - t.re, im: next[i + 1]!.im - t.im };
    }
    c = next;
  }
  return c;
}

/**
 * Digital Butterworth high-pass designed the way scipy.signal.butter(N, Wn, "high", fs) does:
 * analog prototype, low-pass→high-pass, pre-warped bilinear transform (zpk form).
 */
export function butterworthHighpass(order: number, cutoffHz: number, sampleRate: number): IirCoefficients {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`order must be a positive integer, got ${order}`);
  if (!(cutoffHz > 0 && cutoffHz < sampleRate / 2)) {
    throw new RangeError(`cutoff ${cutoffHz} Hz must lie in (0, ${sampleRate / 2})`);
  }
  const fs2 = 4; // scipy normalises to fs = 2, bilinear uses 2·fs
  const warped = fs2 * Math.tan((Math.PI * cutoffHz) / sampleRate);
  const digitalPoles: Complex[] = [];
  let denomGain: Complex = { re: 1, im: 0 };
  for (let m = -order + 1; m < order; m += 2) {
    const theta = (Math.PI * m) / (2 * order);
    const proto: Complex = { re: -Math.cos(theta), im: -Math.sin(theta) };
    const hp = cdiv({ re: warped, im: 0 }, proto); // s → ω/s
    digitalPoles.push(cdiv({ re: fs2 + hp.re, im: hp.im }, { re: fs2 - hp.re, im: -hp.im }));
    denomGain = cmul(denomGain, { re: fs2 - hp.re, im: -hp.im });
  }
  // All N analog zeros sit at s = 0 and map to z = 1; prototype gain product is 1.
  const gain = cdiv({ re: fs2 ** order, im: 0 }, denomGain).re;
  const b = new Float64Array(order + 1);
  let binom = 1;
  for (let k = 0; k <= order; k++) {
    b[k] = gain * binom * (k % 2 === 0 ? 1 : -1);
    binom = (binom * (order - k)) / (k + 1);
  }
  const a = Float64Array.from(polyFromRoots(digitalPoles), (c) => c.re);
  return { b, a };
}

const rvcCache = new Map<number, IirCoefficients>();

/** RVC's filter: 5th-order Butterworth high-pass at 48 Hz for the given rate (cached). */
export function rvcHighpassCoefficients(sampleRate: number): IirCoefficients {
  let c = rvcCache.get(sampleRate);
  if (!c) {
    c = butterworthHighpass(5, 48, sampleRate);
    rvcCache.set(sampleRate, c);
  }
  return c;
}

/**
 * Causal IIR filter, direct form II transposed (as scipy.signal.lfilter), in float64.
 * `zi` is the initial state (length max(len a, len b) − 1); zeros when omitted.
 */
export function lfilter(
  { b, a }: IirCoefficients,
  x: ArrayLike<number>,
  zi?: ArrayLike<number>,
): { y: Float64Array; zf: Float64Array } {
  const n = Math.max(a.length, b.length);
  const a0 = a[0] ?? 1;
  if (a0 === 0) throw new RangeError("a[0] must be non-zero");
  const bn = new Float64Array(n);
  const an = new Float64Array(n);
  for (let i = 0; i < b.length; i++) bn[i] = b[i]! / a0;
  for (let i = 0; i < a.length; i++) an[i] = a[i]! / a0;
  const z = new Float64Array(n); // z[n-1] stays 0 so the update below needs no special case
  if (zi) {
    if (zi.length !== n - 1) throw new RangeError(`zi must have length ${n - 1}`);
    for (let i = 0; i < n - 1; i++) z[i] = zi[i]!;
  }
  const y = new Float64Array(x.length);
  const b0 = bn[0]!;
  for (let t = 0; t < x.length; t++) {
    const xt = x[t]!;
    const yt = b0 * xt + z[0]!;
    for (let k = 1; k < n; k++) z[k - 1] = bn[k]! * xt - an[k]! * yt + z[k]!;
    y[t] = yt;
  }
  return { y, zf: z.slice(0, n - 1) };
}

/** lfilter over a float64 buffer in place (the same operations as lfilter: y[t] replaces x[t] once read). */
function lfilterInPlace({ b, a }: IirCoefficients, x: Float64Array, zi: ArrayLike<number>): void {
  const n = Math.max(a.length, b.length);
  const a0 = a[0] ?? 1;
  const bn = new Float64Array(n);
  const an = new Float64Array(n);
  for (let i = 0; i < b.length; i++) bn[i] = b[i]! / a0;
  for (let i = 0; i < a.length; i++) an[i] = a[i]! / a0;
  const z = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) z[i] = zi[i]!;
  const b0 = bn[0]!;
  for (let t = 0; t < x.length; t++) {
    const xt = x[t]!;
    const yt = b0 * xt + z[0]!;
    for (let k = 1; k < n; k++) z[k - 1] = bn[k]! * xt - an[k]! * yt + z[k]!;
    x[t] = yt;
  }
}

/** Solve A·x = r for a small dense system (Gaussian elimination with partial pivoting). */
function solveDense(A: Float64Array[], r: Float64Array): Float64Array {
  const n = r.length;
  const m = A.map((row) => row.slice());
  const v = r.slice();
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(m[i]![c]!) > Math.abs(m[p]![c]!)) p = i;
    [m[c], m[p]] = [m[p]!, m[c]!];
    [v[c], v[p]] = [v[p]!, v[c]!];
    const pivot = m[c]![c]!;
    for (let i = c + 1; i < n; i++) {
      const f = m[i]![c]! / pivot;
      for (let j = c; j < n; j++) m[i]![j] = m[i]![j]! - f * m[c]![j]!;
      v[i] = v[i]! - f * v[c]!;
    }
  }
  const out = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = v[i]!;
    for (let j = i + 1; j < n; j++) s -= m[i]![j]! * out[j]!;
    out[i] = s / m[i]![i]!;
  }
  return out;
}

/** Steady-state initial state for a unit step input (as scipy.signal.lfilter_zi). */
export function lfilterZi({ b, a }: IirCoefficients): Float64Array {
  const n = Math.max(a.length, b.length);
  const a0 = a[0] ?? 1;
  const an = new Float64Array(n);
  const bn = new Float64Array(n);
  for (let i = 0; i < a.length; i++) an[i] = a[i]! / a0;
  for (let i = 0; i < b.length; i++) bn[i] = b[i]! / a0;
  // (I − companion(a)ᵀ)·zi = b[1:] − a[1:]·b[0]
  const A: Float64Array[] = [];
  for (let i = 0; i < n - 1; i++) {
    const row = new Float64Array(n - 1);
    row[i] = 1;
    row[0] = row[0]! + an[i + 1]!; // first column of companionᵀ is −a[1:]
    if (i + 1 < n - 1) row[i + 1] = row[i + 1]! - 1; // superdiagonal ones of companionᵀ
    A.push(row);
  }
  const r = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) r[i] = bn[i + 1]! - an[i + 1]! * bn[0]!;
  return solveDense(A, r);
}

/**
 * Zero-phase forward-backward filter as scipy.signal.filtfilt with its defaults:
 * odd extension of 3·max(len a, len b) samples and lfilter_zi-scaled initial states.
 */
export function filtfilt(coeffs: IirCoefficients, x: ArrayLike<number>): Float64Array {
  const pad = 3 * Math.max(coeffs.a.length, coeffs.b.length);
  const n = x.length;
  if (n <= pad) throw new RangeError(`filtfilt needs more than ${pad} samples, got ${n}`);
  const ext = new Float64Array(n + 2 * pad);
  const first = x[0]!;
  const last = x[n - 1]!;
  for (let i = 0; i < pad; i++) {
    ext[i] = 2 * first - x[pad - i]!;
    ext[pad + n + i] = 2 * last - x[n - 2 - i]!;
  }
  for (let i = 0; i < n; i++) ext[pad + i] = x[i]!;
  const zi = lfilterZi(coeffs);
  const fwd = lfilter(coeffs, ext, zi.map((v) => v * ext[0]!)).y;
  fwd.reverse();
  const bwd = lfilter(coeffs, fwd, zi.map((v) => v * fwd[0]!)).y;
  bwd.reverse();
  return bwd.slice(pad, pad + n);
}

/**
 * filtfilt(coeffs, x) written as float32 into out[offset …], with one float64 work buffer where filtfilt uses four
 * (the same values: see the tests). `scale` ≠ 1 first multiplies each sample, rounded to float32 (what a scaled
 * Float32Array copy of x would hold), so a caller need not copy its input.
 */
export function filtfiltInto(coeffs: IirCoefficients, x: Float32Array, out: Float32Array, offset = 0, scale = 1): void {
  const pad = 3 * Math.max(coeffs.a.length, coeffs.b.length);
  const n = x.length;
  if (n <= pad) throw new RangeError(`filtfilt needs more than ${pad} samples, got ${n}`);
  if (offset < 0 || offset + n > out.length) throw new RangeError("filtfiltInto: output too short");
  const v = scale === 1 ? (i: number) => x[i]! : (i: number) => Math.fround(x[i]! * scale);
  const w = new Float64Array(n + 2 * pad);
  const first = v(0);
  const last = v(n - 1);
  for (let i = 0; i < pad; i++) {
    w[i] = 2 * first - v(pad - i);
    w[pad + n + i] = 2 * last - v(n - 2 - i);
  }
  for (let i = 0; i < n; i++) w[pad + i] = v(i);
  const zi = lfilterZi(coeffs);
  lfilterInPlace(coeffs, w, zi.map((z) => z * w[0]!));
  w.reverse();
  lfilterInPlace(coeffs, w, zi.map((z) => z * w[0]!));
  // reversed: out[offset + i] = w[n + 2·pad − 1 − (pad + i)]
  for (let i = 0; i < n; i++) out[offset + i] = w[n + pad - 1 - i]!;
}

/** Causal RVC high-pass over consecutive blocks: the filter state carries over, so the output equals rvcHighpass of the whole. */
export class HighpassStream {
  private readonly coeffs: IirCoefficients;
  private z: Float64Array;

  constructor(sampleRate: number) {
    this.coeffs = rvcHighpassCoefficients(sampleRate);
    this.z = new Float64Array(Math.max(this.coeffs.a.length, this.coeffs.b.length) - 1);
  }

  push(x: Float32Array): Float32Array {
    const { y, zf } = lfilter(this.coeffs, x, this.z);
    this.z = zf;
    return Float32Array.from(y);
  }
}

/** Preprocess high-pass (causal, like upstream's lfilter), returned as float32. */
export function rvcHighpass(x: ArrayLike<number>, sampleRate: number): Float32Array {
  return Float32Array.from(lfilter(rvcHighpassCoefficients(sampleRate), x).y);
}

/** Conversion high-pass (zero-phase, like upstream's filtfilt at 16 kHz), returned as float32. */
export function rvcHighpassZeroPhase(x: ArrayLike<number>, sampleRate: number): Float32Array {
  return Float32Array.from(filtfilt(rvcHighpassCoefficients(sampleRate), x));
}

/** rvcHighpassZeroPhase(x·scale) written into out[offset …] (see filtfiltInto): no float64 copies of the signal but one. */
export function rvcHighpassZeroPhaseInto(x: Float32Array, sampleRate: number, out: Float32Array, offset = 0, scale = 1): void {
  filtfiltInto(rvcHighpassCoefficients(sampleRate), x, out, offset, scale);
}
