// A complex FFT of any length, for the MDX-Net front end (n_fft 7680 = 2^9·15, 6144 = 2^11·3, 5120 = 2^10·5: not
// powers of two), in float64. Powers of two use the radix-2 plan of worker/extract/fft.ts; n = 2^k·m with a small odd
// m (≤ 63) one Cooley–Tukey step: m-point direct DFTs, twiddles, then m radix-2 FFTs of 2^k (7680: ~9× faster than
// Bluestein); any other length Bluestein's chirp-z algorithm (a length-n DFT as a circular convolution of length
// M ≥ 2n−1, M a power of two) on the radix-2 plan.
// Why not a library: the well-kept npm FFTs (fft.js) take powers of two only; the mixed-radix ones (kissfft-js,
// kissfft-wasm) are Emscripten ports with little upkeep. Bluestein on our tested radix-2 plan is ~40 lines.
import { fftPlan, type Fft } from "../extract/fft";

export interface AnyFft {
  readonly size: number;
  /** in place X[k] = Σ x[n]·e^{−2πikn/N} */
  forward(re: Float64Array, im: Float64Array): void;
  /** in place x[n] = (1/N)·Σ X[k]·e^{+2πikn/N} */
  inverse(re: Float64Array, im: Float64Array): void;
}

const plans = new Map<number, AnyFft>();

/** A cached FFT plan for any size ≥ 1. */
export function anyFft(size: number): AnyFft {
  if (!Number.isInteger(size) || size < 1) throw new Error(`FFT size must be a positive integer, got ${size}`);
  let p = plans.get(size);
  if (!p) {
    const forward = size >= 2 && (size & (size - 1)) === 0 ? fftPlan(size).forward : (twoPowerTimesOdd(size) ?? bluestein(size));
    p = {
      size,
      forward,
      inverse(re, im) {
        // ifft(X) = conj(fft(conj(X))) / N
        for (let i = 0; i < size; i++) im[i] = -im[i]!;
        forward(re, im);
        const s = 1 / size;
        for (let i = 0; i < size; i++) {
          re[i] = re[i]! * s;
          im[i] = -im[i]! * s;
        }
      },
    };
    plans.set(size, p);
  }
  return p;
}

function bluestein(n: number): (re: Float64Array, im: Float64Array) => void {
  if (n === 1) return () => {};
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const inner: Fft = fftPlan(m);
  // chirp w[k] = e^{−iπk²/n}; k² taken mod 2n so that the angle stays exact for large k
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (Math.PI * ((k * k) % (2 * n))) / n;
    wr[k] = Math.cos(a);
    wi[k] = -Math.sin(a);
  }
  // FFT of the kernel b[j] = conj(w[|j|]) laid out circularly
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  br[0] = wr[0]!;
  bi[0] = -wi[0]!;
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = wr[k]!;
    bi[k] = bi[m - k] = -wi[k]!;
  }
  inner.forward(br, bi);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return (re, im) => {
    ar.fill(0);
    ai.fill(0);
    for (let k = 0; k < n; k++) {
      const xr = re[k]!, xi = im[k]!, cr = wr[k]!, ci = wi[k]!;
      ar[k] = xr * cr - xi * ci;
      ai[k] = xr * ci + xi * cr;
    }
    inner.forward(ar, ai);
    for (let k = 0; k < m; k++) {
      const xr = ar[k]!, xi = ai[k]!, cr = br[k]!, ci = bi[k]!;
      // multiply, then conjugate: the inverse transform below is a forward one on the conjugate
      ar[k] = xr * cr - xi * ci;
      ai[k] = -(xr * ci + xi * cr);
    }
    inner.forward(ar, ai);
    const s = 1 / m;
    for (let k = 0; k < n; k++) {
      const cr = ar[k]! * s, ci = -ai[k]! * s, w0 = wr[k]!, w1 = wi[k]!;
      re[k] = cr * w0 - ci * w1;
      im[k] = cr * w1 + ci * w0;
    }
  };
}

/**
 * n = p·m, p = 2^k ≥ 2, m odd ≤ 63: X[k1 + m·k2] = Σ_{n2<p} W_n^{n2·k1} · (Σ_{n1<m} x[p·n1 + n2] · W_m^{n1·k1}) · W_p^{n2·k2}.
 * Null when n has no such split.
 */
function twoPowerTimesOdd(n: number): ((re: Float64Array, im: Float64Array) => void) | null {
  let p = 1;
  while (n % (2 * p) === 0) p *= 2;
  const m = n / p;
  if (p < 2 || m < 3 || m > 63) return null;
  const inner = fftPlan(p);
  // m-point DFT matrix W_m^{n1·k1} and the twiddles W_n^{n2·k1}
  const dr = new Float64Array(m * m), di = new Float64Array(m * m);
  for (let k1 = 0; k1 < m; k1++) {
    for (let n1 = 0; n1 < m; n1++) {
      const a = (-2 * Math.PI * ((n1 * k1) % m)) / m;
      dr[k1 * m + n1] = Math.cos(a);
      di[k1 * m + n1] = Math.sin(a);
    }
  }
  const tr = new Float64Array(p * m), ti = new Float64Array(p * m);
  for (let n2 = 0; n2 < p; n2++) {
    for (let k1 = 0; k1 < m; k1++) {
      const a = (-2 * Math.PI * ((n2 * k1) % n)) / n;
      tr[n2 * m + k1] = Math.cos(a);
      ti[n2 * m + k1] = Math.sin(a);
    }
  }
  // rows of p values per k1 (the radix-2 transforms run on views of these)
  const yr = new Float64Array(n), yi = new Float64Array(n);
  const rowsR = Array.from({ length: m }, (_, k1) => yr.subarray(k1 * p, (k1 + 1) * p));
  const rowsI = Array.from({ length: m }, (_, k1) => yi.subarray(k1 * p, (k1 + 1) * p));
  const xr = new Float64Array(m), xi = new Float64Array(m);
  return (re, im) => {
    for (let n2 = 0; n2 < p; n2++) {
      for (let n1 = 0; n1 < m; n1++) {
        xr[n1] = re[p * n1 + n2]!;
        xi[n1] = im[p * n1 + n2]!;
      }
      for (let k1 = 0; k1 < m; k1++) {
        let sr = 0, si = 0;
        const row = k1 * m;
        for (let n1 = 0; n1 < m; n1++) {
          const wr = dr[row + n1]!, wi = di[row + n1]!, ar = xr[n1]!, ai = xi[n1]!;
          sr += ar * wr - ai * wi;
          si += ar * wi + ai * wr;
        }
        const cr = tr[n2 * m + k1]!, ci = ti[n2 * m + k1]!;
        yr[k1 * p + n2] = sr * cr - si * ci;
        yi[k1 * p + n2] = sr * ci + si * cr;
      }
    }
    for (let k1 = 0; k1 < m; k1++) {
      const rr = rowsR[k1]!, ri = rowsI[k1]!;
      inner.forward(rr, ri);
      for (let k2 = 0; k2 < p; k2++) {
        re[k1 + m * k2] = rr[k2]!;
        im[k1 + m * k2] = ri[k2]!;
      }
    }
  };
}
