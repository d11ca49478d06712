// Band-limited rational resampling: Kaiser-windowed sinc, polyphase. Quality matches or exceeds
// librosa 0.9's default (resampy kaiser_best) that RVC uses for its 16 kHz copies (rvc-formats §1.6).
// Figures are measured in resample.test.ts.
//
// Two engines compute the same filter: a WebAssembly SIMD kernel (resample-kernel.wat; f32 weights, four lanes,
// measured 7.6× faster: resampling was most of the preprocess job's time) for rate pairs with an exact phase table, and
// the plain TypeScript loop (f64) for the rest and wherever WebAssembly SIMD is unavailable.
import { WASM_BASE64 } from "./resample-kernel-wasm";

/** Filter design, relative to the Nyquist frequency of the lower of the two rates. */
export const RESAMPLER_DESIGN = {
  /** flat (within the ripple) up to here */
  passbandEdge: 0.9,
  /** attenuated by at least the stop-band figure from here on: no aliasing into the output band */
  stopbandEdge: 1.0,
  /** Kaiser design target in dB */
  attenuationDb: 110,
} as const;

// Above this many phases the table is sampled at MAX_PHASES and linearly interpolated between rows
// (odd rate pairs such as 44123→16000); the interpolation error stays below -130 dB.
const MAX_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for β ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Output length for n input samples: ceil(n·to/from), as librosa.resample with fix=True. */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  checkRate(fromRate);
  checkRate(toRate);
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  return Math.floor((n * up + down - 1) / down);
}

function checkRate(r: number): void {
  if (!Number.isInteger(r) || r <= 0) throw new RangeError(`sample rate must be a positive integer, got ${r}`);
}

export type ResampleEngine = "wasm" | "js";

export interface Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** taps per output sample */
  readonly taps: number;
  /** the engine `process` uses for this rate pair */
  readonly engine: ResampleEngine;
  process(x: Float32Array): Float32Array;
  /** the same with a chosen engine ("wasm" falls back to "js" where it cannot run) */
  processWith(x: Float32Array, engine: ResampleEngine): Float32Array;
  /**
   * Block-wise resampling with the same outputs as `process` over the whole input (the filter state is the
   * input history of one filter length): memory does not grow with the length of the input.
   */
  stream(engine?: ResampleEngine): ResampleStream;
}

export interface ResampleStream {
  /** Feed the next input samples; returns the outputs that are complete now (often fewer than fed, maybe none). */
  push(x: Float32Array): Float32Array;
  /** The input has ended: returns the remaining outputs. All outputs together: resampledLength(total input). */
  end(): Float32Array;
}

interface Kernel {
  memory: WebAssembly.Memory;
  fir: (xp: number, yp: number, outLen: number, table: number, taps: number, up: number, down: number) => void;
  /** which resampler's table is in memory at offset 0 */
  tableOwner: object | null;
}

let kernel: Kernel | null | undefined;

/** The WebAssembly kernel of this thread, or null where WebAssembly SIMD is not available. */
function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const { memory, fir } = instance.exports as unknown as { memory: WebAssembly.Memory; fir: Kernel["fir"] };
    kernel = { memory, fir, tableOwner: null };
  } catch {
    kernel = null;
  }
  return kernel;
}

const PAGE = 65536;
/** about this many outputs per kernel call */
const WASM_BLOCK_OUTPUTS = 1 << 18;

const cache = new Map<string, Resampler>();

/** A resampler for one rate pair; the filter table is built once and cached. */
export function getResampler(fromRate: number, toRate: number): Resampler {
  const key = `${fromRate}:${toRate}`;
  let r = cache.get(key);
  if (!r) {
    r = createResampler(fromRate, toRate);
    cache.set(key, r);
  }
  return r;
}

/** Resample `x` from one rate to another; output length is ceil(len·to/from). */
export function resample(x: Float32Array, fromRate: number, toRate: number): Float32Array {
  return getResampler(fromRate, toRate).process(x);
}

function createResampler(fromRate: number, toRate: number): Resampler {
  checkRate(fromRate);
  checkRate(toRate);
  const g = gcd(fromRate, toRate);
  const up = toRate / g; // L
  const down = fromRate / g; // M
  if (up === down) {
    const copy = (x: Float32Array) => x.slice();
    const stream = (): ResampleStream => ({ push: copy, end: () => new Float32Array(0) });
    return { fromRate, toRate, taps: 1, engine: "js", process: copy, processWith: copy, stream };
  }
  const { passbandEdge, stopbandEdge, attenuationDb } = RESAMPLER_DESIGN;
  const rho = (passbandEdge + stopbandEdge) / 2; // cutoff, as a fraction of the low Nyquist
  const transition = (stopbandEdge - passbandEdge) / 2; // width in cycles per low-rate sample
  const beta = 0.1102 * (attenuationDb - 8.7);
  // Kaiser's length estimate, as a half-width in low-rate samples.
  const halfLow = Math.ceil((attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition) / 2);
  const inPerLow = Math.max(1, down / up); // input samples per low-rate sample
  const halfIn = halfLow * inPerLow;
  const K = Math.ceil(halfIn);
  const taps = 2 * K;
  const phases = Math.min(up, MAX_PHASES);
  const i0Beta = besselI0(beta);

  // Row p holds the weights for an output that lies a fraction p/phases past input sample i;
  // entry j multiplies x[i − K + 1 + j].
  const table = new Float64Array((phases + 1) * taps);
  for (let p = 0; p <= phases; p++) {
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const dIn = p / phases + K - 1 - j; // distance from the output instant, input samples
      const u = dIn / inPerLow; // same, low-rate samples
      let h = 0;
      if (Math.abs(u) < halfLow) {
        const s = rho * u;
        const sinc = s === 0 ? 1 : Math.sin(Math.PI * s) / (Math.PI * s);
        const r = u / halfLow;
        h = sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta);
      }
      table[p * taps + j] = h;
      sum += h;
    }
    // Unit DC gain per phase: removes the small phase-dependent gain error of a truncated sinc.
    for (let j = 0; j < taps; j++) table[p * taps + j] = table[p * taps + j]! / sum;
  }
  const exact = phases === up;

  const processJs = (x: Float32Array): Float32Array => {
    const n = x.length;
    const outLen = resampledLength(n, fromRate, toRate);
    const y = new Float32Array(outLen);
    let i = 0; // floor(t·M/L)
    let frac = 0; // (t·M) mod L
    for (let t = 0; t < outLen; t++) {
      const base = i - K + 1;
      let row0: number;
      let w = 0;
      if (exact) {
        row0 = frac * taps;
      } else {
        const pos = (frac * phases) / up;
        const r = Math.floor(pos);
        w = pos - r;
        row0 = r * taps;
      }
      const jFrom = Math.max(0, -base);
      const jTo = Math.min(taps, n - base);
      let acc = 0;
      if (w === 0) {
        for (let j = jFrom; j < jTo; j++) acc += x[base + j]! * table[row0 + j]!;
      } else {
        let acc1 = 0;
        const row1 = row0 + taps;
        for (let j = jFrom; j < jTo; j++) {
          const v = x[base + j]!;
          acc += v * table[row0 + j]!;
          acc1 += v * table[row1 + j]!;
        }
        acc = acc * (1 - w) + acc1 * w;
      }
      y[t] = acc;
      frac += down;
      while (frac >= up) {
        frac -= up;
        i++;
      }
    }
    return y;
  };

  // The kernel's table: f32, `up` rows padded with zero weights to a multiple of 8 taps.
  const tapsPadded = Math.ceil(taps / 8) * 8;
  const table32 = exact ? new Float32Array(up * tapsPadded) : null;
  if (table32) for (let p = 0; p < up; p++) table32.set(table.subarray(p * taps, (p + 1) * taps), p * tapsPadded);
  const owner = {};

  // Outputs in blocks of a multiple of `up`, so each block starts at phase 0 and the kernel's memory stays small
  // whatever the input's length (WebAssembly memory never shrinks).
  const block = up * Math.max(1, Math.floor(WASM_BLOCK_OUTPUTS / up));
  const processWasm = (x: Float32Array, k: Kernel): Float32Array => {
    const n = x.length;
    const outLen = resampledLength(n, fromRate, toRate);
    const y = new Float32Array(outLen);
    for (let t0 = 0; t0 < outLen; t0 += block) {
      const count = Math.min(block, outLen - t0);
      const i0 = (t0 / up) * down; // exact: t0 is a multiple of up
      const iLast = Math.floor(((t0 + count - 1) * down) / up);
      // memory: [table][input x[i0 − K …], zero outside x][outputs]
      const xp = table32!.byteLength;
      const xpLen = iLast - i0 + 1 + tapsPadded + 8;
      const yp = xp + xpLen * 4;
      const need = yp + count * 4;
      if (need > k.memory.buffer.byteLength) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / PAGE));
      const heap = new Float32Array(k.memory.buffer);
      if (k.tableOwner !== owner) {
        heap.set(table32!, 0);
        k.tableOwner = owner;
      }
      const from = i0 - K; // x index at xp[0]
      const lo = Math.max(0, from), hi = Math.min(n, from + xpLen);
      heap.fill(0, xp / 4, xp / 4 + xpLen);
      if (hi > lo) heap.set(x.subarray(lo, hi), xp / 4 + (lo - from));
      k.fir(xp, yp, count, 0, tapsPadded, up, down);
      y.set(heap.subarray(yp / 4, yp / 4 + count), t0);
    }
    return y;
  };

  const processWith = (x: Float32Array, engine: ResampleEngine): Float32Array => {
    const k = engine === "wasm" && exact ? loadKernel() : null;
    return k ? processWasm(x, k) : processJs(x);
  };
  const engine: ResampleEngine = exact && loadKernel() ? "wasm" : "js";

  /** outputs t with floor(t·M/L) ≤ last, i.e. how many outputs need no input past index `last` */
  const outputsUpTo = (last: number) => (last < 0 ? 0 : Math.floor(((last + 1) * up + down - 1) / down));
  const inputIndex = (t: number) => Math.floor((t * down) / up);

  const stream = (chosen: ResampleEngine = engine): ResampleStream => {
    const k = chosen === "wasm" && exact ? loadKernel() : null;
    // buf holds the input from index bufFrom on: the history the next output needs and what came after
    let buf = new Float32Array(0);
    let bufFrom = 0;
    let nIn = 0;
    let tNext = 0;
    let ended = false;

    // The same sums, in the same order, as processJs/processWasm over the whole input (see the tests).
    const computeJs = (tFrom: number, tTo: number): Float32Array => {
      const y = new Float32Array(tTo - tFrom);
      let i = inputIndex(tFrom);
      let frac = (tFrom * down) % up;
      for (let t = tFrom; t < tTo; t++) {
        const base = i - K + 1;
        let row0: number;
        let w = 0;
        if (exact) row0 = frac * taps;
        else {
          const pos = (frac * phases) / up;
          const r = Math.floor(pos);
          w = pos - r;
          row0 = r * taps;
        }
        // before the end, outputs are only computed when all their taps are in (nIn − base ≥ taps)
        const off = base - bufFrom;
        const jFrom = Math.max(0, -base);
        const jTo = Math.min(taps, nIn - base);
        let acc = 0;
        if (w === 0) {
          for (let j = jFrom; j < jTo; j++) acc += buf[off + j]! * table[row0 + j]!;
        } else {
          let acc1 = 0;
          const row1 = row0 + taps;
          for (let j = jFrom; j < jTo; j++) {
            const v = buf[off + j]!;
            acc += v * table[row0 + j]!;
            acc1 += v * table[row1 + j]!;
          }
          acc = acc * (1 - w) + acc1 * w;
        }
        y[t - tFrom] = acc;
        frac += down;
        while (frac >= up) {
          frac -= up;
          i++;
        }
      }
      return y;
    };

    const computeWasm = (tFrom: number, tTo: number, kern: Kernel): Float32Array => {
      const y = new Float32Array(tTo - tFrom);
      for (let t0 = tFrom; t0 < tTo; t0 += block) {
        const count = Math.min(block, tTo - t0);
        const i0 = (t0 / up) * down; // t0 is a multiple of up
        const iLast = Math.floor(((t0 + count - 1) * down) / up);
        const xp = table32!.byteLength;
        const xpLen = iLast - i0 + 1 + tapsPadded + 8;
        const yp = xp + xpLen * 4;
        const need = yp + count * 4;
        if (need > kern.memory.buffer.byteLength) kern.memory.grow(Math.ceil((need - kern.memory.buffer.byteLength) / PAGE));
        const heap = new Float32Array(kern.memory.buffer);
        if (kern.tableOwner !== owner) {
          heap.set(table32!, 0);
          kern.tableOwner = owner;
        }
        const from = i0 - K;
        // zeros outside the input, as in processWasm; before the end, samples not yet seen meet only the
        // zero weights of the padding taps
        const lo = Math.max(bufFrom, from), hi = Math.min(bufFrom + buf.length, from + xpLen);
        heap.fill(0, xp / 4, xp / 4 + xpLen);
        if (hi > lo) heap.set(buf.subarray(lo - bufFrom, hi - bufFrom), xp / 4 + (lo - from));
        kern.fir(xp, yp, count, 0, tapsPadded, up, down);
        y.set(heap.subarray(yp / 4, yp / 4 + count), t0 - tFrom);
      }
      return y;
    };

    const produce = (tTo: number): Float32Array => {
      if (tTo <= tNext) return new Float32Array(0);
      const y = k ? computeWasm(tNext, tTo, k) : computeJs(tNext, tTo);
      tNext = tTo;
      // keep the history the next output needs
      const keepFrom = inputIndex(tNext) - K;
      if (keepFrom > bufFrom) {
        buf = buf.slice(Math.min(buf.length, keepFrom - bufFrom));
        bufFrom = keepFrom;
      }
      return y;
    };

    return {
      push(x: Float32Array): Float32Array {
        if (ended) throw new Error("resample stream: push after end");
        if (x.length === 0) return new Float32Array(0);
        const next = new Float32Array(buf.length + x.length);
        next.set(buf);
        next.set(x, buf.length);
        buf = next;
        nIn += x.length;
        // outputs whose taps lie within the input so far; the kernel works in whole phase cycles
        let tTo = outputsUpTo(nIn - 1 - K);
        if (k) tTo = tNext + Math.floor((tTo - tNext) / up) * up;
        return produce(tTo);
      },
      end(): Float32Array {
        if (ended) throw new Error("resample stream: end twice");
        ended = true;
        return produce(resampledLength(nIn, fromRate, toRate));
      },
    };
  };
  return { fromRate, toRate, taps, engine, process: (x) => processWith(x, engine), processWith, stream };
}
