// Signal helpers shared by the dsp tests (synthetic inputs and measurements; no I/O).

/** Sine of the given frequency and amplitude. */
export function tone(freq: number, sampleRate: number, seconds: number, amplitude = 1, phase = 0): Float32Array {
  const n = Math.round(sampleRate * seconds);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate + phase);
  return y;
}

/** Least-squares fit of a sinusoid of known frequency over x[from, to): amplitude and residual RMS. */
export function fitTone(
  x: ArrayLike<number>,
  freq: number,
  sampleRate: number,
  from = 0,
  to = x.length,
): { amplitude: number; residualRms: number } {
  let ss = 0, sc = 0, cc = 0, xs = 0, xc = 0;
  const w = (2 * Math.PI * freq) / sampleRate;
  for (let n = from; n < to; n++) {
    const s = Math.sin(w * n);
    const c = Math.cos(w * n);
    ss += s * s; sc += s * c; cc += c * c; xs += x[n]! * s; xc += x[n]! * c;
  }
  const det = ss * cc - sc * sc;
  const p = (xs * cc - xc * sc) / det;
  const q = (xc * ss - xs * sc) / det;
  let r2 = 0;
  for (let n = from; n < to; n++) {
    const e = x[n]! - p * Math.sin(w * n) - q * Math.cos(w * n);
    r2 += e * e;
  }
  return { amplitude: Math.hypot(p, q), residualRms: Math.sqrt(r2 / Math.max(1, to - from)) };
}

/** RMS over x[from, to). */
export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Deterministic uniform noise in [-amp, amp) (xorshift32), so tests are reproducible. */
export function noise(n: number, amp = 1, seed = 12345): Float32Array {
  let s = seed >>> 0 || 1;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    y[i] = (s / 4294967296) * 2 * amp - amp;
  }
  return y;
}

export const toDb = (ratio: number): number => 20 * Math.log10(ratio);
