// Synthetic speech-like signals shared by the analyse/clean tests and the bench (deterministic; no I/O).
import { noise } from "../dsp/test-signals";

export interface Bursts {
  signal: Float32Array;
  /** 1 where a burst is at full level (ramps and pauses are 0) */
  voiced: Uint8Array;
}

/** xorshift32 in [0, 1) */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * Voiced bursts (a harmonic tone: f0 110–220 Hz with a slow vibrato, harmonics at 1/k up to 4 kHz) of 0.3–0.7 s with
 * 10 ms raised-cosine ramps, separated by pauses of 0.2–0.5 s. Each burst's RMS over its full-level part is `rms`.
 */
export function voicedBursts(sampleRate: number, seconds: number, rms = 0.1, seed = 7): Bursts {
  const n = Math.round(sampleRate * seconds);
  const signal = new Float32Array(n);
  const voiced = new Uint8Array(n);
  const r = rng(seed);
  const ramp = Math.round(0.01 * sampleRate);
  let t = Math.round((0.2 + 0.3 * r()) * sampleRate);
  while (t < n) {
    const len = Math.round((0.3 + 0.4 * r()) * sampleRate);
    const f0 = 110 + 110 * r();
    const harmonics = Math.floor(4000 / f0);
    const end = Math.min(n, t + len);
    const seg = new Float64Array(end - t);
    let phase = 0;
    for (let i = 0; i < seg.length; i++) {
      const f = f0 * (1 + 0.02 * Math.sin((2 * Math.PI * 5 * i) / sampleRate));
      phase += (2 * Math.PI * f) / sampleRate;
      let v = 0;
      for (let k = 1; k <= harmonics; k++) v += Math.sin(k * phase) / k;
      seg[i] = v;
    }
    let ss = 0, cnt = 0;
    for (let i = ramp; i < seg.length - ramp; i++) { ss += seg[i]! * seg[i]!; cnt++; }
    const g = rms / Math.sqrt(ss / Math.max(1, cnt));
    for (let i = 0; i < seg.length; i++) {
      const e = i < ramp ? 0.5 - 0.5 * Math.cos((Math.PI * i) / ramp) : i >= seg.length - ramp ? 0.5 - 0.5 * Math.cos((Math.PI * (seg.length - 1 - i)) / ramp) : 1;
      signal[t + i] = g * e * seg[i]!;
      if (i >= ramp && i < seg.length - ramp) voiced[t + i] = 1;
    }
    t = end + Math.round((0.2 + 0.3 * r()) * sampleRate);
  }
  return { signal, voiced };
}

/** Gaussian white noise of the given RMS (Box–Muller over the xorshift source). */
export function gaussianNoise(n: number, rms: number, seed = 99): Float32Array {
  const u = noise(n + 1, 0.5, seed); // [-0.5, 0.5)
  const y = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const a = Math.max(1e-12, u[i]! + 0.5), b = u[i + 1]! + 0.5;
    const m = Math.sqrt(-2 * Math.log(a));
    y[i] = rms * m * Math.cos(2 * Math.PI * b);
    if (i + 1 < n) y[i + 1] = rms * m * Math.sin(2 * Math.PI * b);
  }
  return y;
}

export function add(a: Float32Array, b: Float32Array): Float32Array {
  return Float32Array.from(a, (v, i) => v + b[i]!);
}
