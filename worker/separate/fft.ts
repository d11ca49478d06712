// A complex FFT of any length, for the MDX-Net front end (n_fft 7680 = 2^9·15, 6144, 5120: not powers of two).
// Powers of two use the radix-2 plan of worker/extract/fft.ts; other lengths Bluestein's chirp-z algorithm on top of
// it (a length-n DFT as a circular convolution of length M ≥ 2n−1, M a power of two), in float64.
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
    const forward = size >= 2 && (size & (size - 1)) === 0 ? fftPlan(size).forward : bluestein(size);
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
