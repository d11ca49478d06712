// Radix-2 FFT (in place, float64) and a real-input helper that transforms two real frames with one complex FFT.

export interface Fft {
  readonly size: number;
  /** In-place forward DFT X[k] = Σ x[n]·e^{-2πikn/N} of (re, im), both of length size. */
  forward(re: Float64Array, im: Float64Array): void;
}

const cache = new Map<number, Fft>();

/** A cached FFT plan for a power-of-two size. */
export function fftPlan(size: number): Fft {
  let plan = cache.get(size);
  if (!plan) {
    plan = makePlan(size);
    cache.set(size, plan);
  }
  return plan;
}

function makePlan(n: number): Fft {
  if (n < 2 || (n & (n - 1)) !== 0) throw new Error(`FFT size must be a power of two ≥ 2, got ${n}`);
  const bits = Math.log2(n);
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  // twiddles e^{-2πik/n} for k < n/2, computed directly (no accumulated rounding)
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  return {
    size: n,
    forward(re, im) {
      for (let i = 0; i < n; i++) {
        const j = rev[i]!;
        if (j > i) {
          const tr = re[i]!; re[i] = re[j]!; re[j] = tr;
          const ti = im[i]!; im[i] = im[j]!; im[j] = ti;
        }
      }
      for (let len = 2; len <= n; len <<= 1) {
        const half = len >> 1;
        const step = n / len;
        for (let start = 0; start < n; start += len) {
          for (let k = 0; k < half; k++) {
            const wr = cos[k * step]!;
            const wi = sin[k * step]!;
            const a = start + k;
            const b = a + half;
            const br = re[b]! * wr - im[b]! * wi;
            const bi = re[b]! * wi + im[b]! * wr;
            re[b] = re[a]! - br;
            im[b] = im[a]! - bi;
            re[a] = re[a]! + br;
            im[a] = im[a]! + bi;
          }
        }
      }
    },
  };
}

/**
 * Magnitude spectra |X[k]|, k = 0..n/2, of two real frames a and b (length n) with one complex FFT:
 * z = a + i·b, A[k] = (Z[k] + conj Z[n−k]) / 2, B[k] = (Z[k] − conj Z[n−k]) / 2i.
 * `re`/`im` are scratch (length n) and are overwritten.
 */
export function twoRealMagnitudes(
  plan: Fft,
  re: Float64Array,
  im: Float64Array,
  magA: Float64Array,
  magB: Float64Array,
): void {
  const n = plan.size;
  plan.forward(re, im);
  for (let k = 0; k <= n / 2; k++) {
    const j = (n - k) & (n - 1);
    const zr = re[k]!, zi = im[k]!, cr = re[j]!, ci = -im[j]!; // Z[k] and conj(Z[n−k])
    // A = (Z + C)/2, B = (Z − C)/(2i) = (−i/2)(Z − C)
    const ar = 0.5 * (zr + cr), ai = 0.5 * (zi + ci);
    const dr = zr - cr, di = zi - ci;
    const br = 0.5 * di, bi = -0.5 * dr;
    magA[k] = Math.sqrt(ar * ar + ai * ai);
    magB[k] = Math.sqrt(br * br + bi * bi);
  }
}
