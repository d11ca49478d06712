import { describe, expect, it } from "vitest";
import { getResampler, resample, resampledLength, RESAMPLER_DESIGN } from "./resample";
import { fitTone, rms, toDb, tone } from "./test-signals";

// Measured with these tests (60/80-point sweeps), the same for both engines (WebAssembly f32 and TypeScript f64):
// passband ripple ≤ 2.4e-5 dB up to 0.9·Nyquist of the
// lower rate; stop-band ≥ 109.5 dB from that Nyquist (aliases when decimating, images when interpolating).
const PASSBAND_RIPPLE_DB = 0.001;
const STOPBAND_DB = 105;

const PAIRS: [number, number][] = [
  [48000, 16000],
  [40000, 16000],
  [32000, 16000],
  [44100, 16000],
  [44100, 40000],
  [16000, 48000],
  [22050, 40000],
  [44123, 16000], // gcd 1: takes the interpolated-phase path
];

const AMP = 0.5;

function measure(from: number, to: number) {
  const r = getResampler(from, to);
  const lowNyq = Math.min(from, to) / 2;
  const edge = Math.ceil((r.taps * to) / from) + 8; // ignore filter start-up at both ends
  let ripple = 0;
  let worstImage = -Infinity;
  for (let k = 0; k < 24; k++) {
    const f = 20 + ((RESAMPLER_DESIGN.passbandEdge * lowNyq - 20) * k) / 23;
    const y = r.process(tone(f, from, 0.2, AMP));
    const { amplitude, residualRms } = fitTone(y, f, to, edge, y.length - edge);
    ripple = Math.max(ripple, Math.abs(toDb(amplitude / AMP)));
    worstImage = Math.max(worstImage, toDb((residualRms * Math.SQRT2) / AMP));
  }
  let worstAlias = -Infinity;
  if (to < from) {
    for (let k = 0; k < 30; k++) {
      const f = lowNyq + ((from / 2 - lowNyq) * 0.999 * k) / 29;
      const y = r.process(tone(f, from, 0.2, AMP));
      worstAlias = Math.max(worstAlias, toDb((rms(y, edge, y.length - edge) * Math.SQRT2) / AMP));
    }
  }
  return { ripple, worstImage, worstAlias };
}

describe("resample quality (Kaiser-windowed sinc, polyphase)", () => {
  for (const [from, to] of PAIRS) {
    it(`${from}→${to}: passband ripple < ${PASSBAND_RIPPLE_DB} dB, stop-band ≥ ${STOPBAND_DB} dB`, () => {
      const m = measure(from, to);
      expect(m.ripple).toBeLessThan(PASSBAND_RIPPLE_DB);
      // Residual after the fitted tone: images (upsampling) or any distortion, relative to the tone.
      expect(m.worstImage).toBeLessThan(-STOPBAND_DB);
      if (to < from) expect(m.worstAlias).toBeLessThan(-STOPBAND_DB);
    });
  }

  it("keeps a tone's frequency, level and timing (no delay)", () => {
    for (const [from, to] of [[40000, 16000], [16000, 48000], [44100, 32000]] as const) {
      const y = resample(tone(1234.5, from, 0.5, AMP), from, to);
      const ideal = tone(1234.5, to, 0.5, AMP);
      let err = 0;
      for (let i = 500; i < y.length - 500; i++) err = Math.max(err, Math.abs(y[i]! - ideal[i]!));
      expect(err).toBeLessThan(1e-5);
    }
  });

  it("passes DC at unit gain", () => {
    const y = resample(new Float32Array(20000).fill(0.25), 44100, 16000);
    for (let i = 300; i < y.length - 300; i++) expect(Math.abs(y[i]! - 0.25)).toBeLessThan(1e-6);
  });
});

describe("resample lengths", () => {
  it("output length is ceil(n·to/from), like librosa.resample", () => {
    expect(resampledLength(48000, 48000, 16000)).toBe(16000);
    expect(resampledLength(48001, 48000, 16000)).toBe(16001);
    expect(resampledLength(1, 48000, 16000)).toBe(1);
    expect(resampledLength(0, 48000, 16000)).toBe(0);
    expect(resampledLength(3, 44100, 16000)).toBe(2); // 1.088… → 2
    expect(resampledLength(44100, 44100, 40000)).toBe(40000);
    expect(resampledLength(148000, 40000, 16000)).toBe(59200); // a 3.7 s chunk at 40k
    expect(resampledLength(10, 16000, 48000)).toBe(30);
    for (const n of [0, 1, 2, 441, 1000, 12345]) {
      expect(resample(new Float32Array(n), 44100, 16000).length).toBe(resampledLength(n, 44100, 16000));
      expect(resample(new Float32Array(n), 16000, 44100).length).toBe(Math.ceil((n * 44100) / 16000));
    }
  });

  it("same rate returns an equal copy", () => {
    const x = tone(100, 16000, 0.01);
    const y = resample(x, 16000, 16000);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual(Array.from(x));
  });

  it("rejects non-integer or non-positive rates", () => {
    expect(() => resample(new Float32Array(4), 0, 16000)).toThrow(RangeError);
    expect(() => resample(new Float32Array(4), 44100.5, 16000)).toThrow(RangeError);
  });
});

/** Deterministic noise plus a tone, so every tap matters. */
function testSignal(n: number, seed = 1): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = 0.5 * Math.sin(i * 0.013) + (s / 2147483648 - 0.5) * 0.4;
  }
  return x;
}

/** Feed `x` to a stream in blocks of the given sizes (cycled), collecting the output. */
function streamed(stream: { push(x: Float32Array): Float32Array; end(): Float32Array }, x: Float32Array, sizes: number[]): Float32Array {
  const parts: Float32Array[] = [];
  for (let at = 0, k = 0; at < x.length; k++) {
    const size = sizes[k % sizes.length]!;
    parts.push(stream.push(x.subarray(at, at + size)));
    at += size;
  }
  parts.push(stream.end());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe("resample stream (block-wise) = whole-file resampling", () => {
  const cases: [number, number][] = [...PAIRS, [40000, 40000]];
  for (const [from, to] of cases) {
    for (const engine of ["wasm", "js"] as const) {
      it(`${from}→${to} (${engine}): the same samples for any block sizes`, () => {
        const r = getResampler(from, to);
        const x = testSignal(Math.round(from * 0.7) + 13);
        const whole = r.processWith(x, engine);
        expect(whole.length).toBe(resampledLength(x.length, from, to));
        for (const sizes of [[x.length], [4096], [1, 7, 0, 333, 10000], [r.taps * 3 + 1]]) {
          const y = streamed(r.stream(engine), x, sizes);
          expect(y.length).toBe(whole.length);
          let diff = 0;
          for (let i = 0; i < y.length; i++) diff = Math.max(diff, Math.abs(y[i]! - whole[i]!));
          expect(diff).toBe(0);
        }
      });
    }
  }

  it("a short input (fewer samples than the filter) and an empty one", () => {
    const r = getResampler(48000, 16000);
    const x = testSignal(50);
    expect(Array.from(streamed(r.stream(), x, [3]))).toEqual(Array.from(r.process(x)));
    expect(r.stream().end().length).toBe(0);
  });
});
