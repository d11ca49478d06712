import { describe, expect, it } from "vitest";
import { NO_CLEANING } from "@/lib/dataset/analysis";
import { fitTone, tone } from "../dsp/test-signals";
import { analyzeSamples } from "./analyzer";
import {
  CLEANING,
  NoiseProfile,
  NoiseProfileEstimator,
  cleanClip,
  cleaningFftSize,
  estimateNoiseProfile,
  normalizeLoudness,
  removeDc,
  spectralGate,
  trimSilences,
} from "./clean";
import { integratedLoudness } from "./loudness";
import { add, gaussianNoise, voicedBursts } from "./signals";

const energy = (x: ArrayLike<number>, sel?: Uint8Array) => {
  let e = 0;
  for (let i = 0; i < x.length; i++) if (!sel || sel[i]) e += x[i]! * x[i]!;
  return e;
};
const db = (r: number) => 10 * Math.log10(r);

describe("noise profile", { timeout: 60_000 }, () => {
  it("is the noise's level and spectrum, learnt from the pauses of speech-like audio", () => {
    const sr = 44100;
    const { signal } = voicedBursts(sr, 10, 0.1);
    const x = add(signal, gaussianNoise(signal.length, 0.003)); // −50.5 dBFS white noise
    const p = estimateNoiseProfile(x, sr)!;
    expect(p.fftSize).toBe(cleaningFftSize(sr));
    expect(Math.abs(p.levelDb - 20 * Math.log10(0.003))).toBeLessThan(1);
    // white: the same power in the speech band and above it (Hann-windowed frame power per bin: N·σ²·Σw²/N = σ²·3N/8)
    const expectBin = 0.003 ** 2 * ((3 * p.fftSize) / 8);
    const bin = (hz: number) => p.power[Math.round((hz / sr) * p.fftSize)]!;
    for (const hz of [300, 1000, 3000, 12000]) expect(Math.abs(db(bin(hz) / expectBin)), `${hz} Hz`).toBeLessThan(3);
  });

  it("streaming: block-wise pushes give the whole-push profile", () => {
    const sr = 16000;
    const x = add(voicedBursts(sr, 6, 0.1).signal, gaussianNoise(sr * 6, 0.002));
    const whole = estimateNoiseProfile(x, sr)!;
    const e = new NoiseProfileEstimator(sr);
    for (let s = 0; s < x.length; s += 777) e.push(x.subarray(s, s + 777));
    expect(e.finish()).toEqual(whole);
  });

  it("is null without pauses to learn from, for digital silence and for a too short clip", () => {
    expect(estimateNoiseProfile(tone(200, 16000, 5, 0.3), 16000)).toBeNull(); // steady: nothing quieter
    expect(estimateNoiseProfile(new Float32Array(16000 * 5), 16000)).toBeNull();
    expect(estimateNoiseProfile(gaussianNoise(200, 0.1), 16000)).toBeNull();
  });

  it("survives a structured clone (worker threads)", () => {
    const sr = 16000;
    const p = estimateNoiseProfile(add(voicedBursts(sr, 5).signal, gaussianNoise(sr * 5, 0.002)), sr)!;
    expect(NoiseProfile.from(structuredClone({ ...p }))).toEqual(p);
  });
});

describe("spectral gate", { timeout: 60_000 }, () => {
  it("is the identity where the mask is 1 (perfect reconstruction), for any length", () => {
    for (const [sr, seconds] of [[48000, 3], [16000, 0.0101], [22050, 1.37]] as const) {
      const { signal } = voicedBursts(sr, seconds, 0.2);
      const x = add(signal, gaussianNoise(signal.length, 0.01));
      const N = cleaningFftSize(sr);
      const silentProfile = new NoiseProfile(sr, N, new Float64Array(N / 2 + 1).fill(1e-30), 1, -300);
      const y = spectralGate(x, sr, silentProfile);
      expect(y.length).toBe(x.length);
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i]! - x[i]!));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  for (const snrIn of [5, 10, 20]) {
    it(`improves the SNR of speech-like bursts in white noise (${snrIn} dB) by ≥ 6 dB, speech energy within 1 dB`, () => {
      const sr = 48000;
      const { signal, voiced } = voicedBursts(sr, 8, 0.1);
      const noise = gaussianNoise(signal.length, 0.1 / 10 ** (snrIn / 20));
      const x = add(signal, noise);
      const y = cleanClip(x, sr, { ...NO_CLEANING, denoise: true });
      // SNR as signal over everything that is not the signal: (y − s) is the residual noise and any speech distortion
      const residual = Float32Array.from(y, (v, i) => v - signal[i]!);
      const before = db(energy(signal) / energy(noise));
      const after = db(energy(signal) / energy(residual));
      expect(after - before).toBeGreaterThanOrEqual(6);
      // the speech band energy in the voiced frames (the clean speech's energy there, within 1 dB)
      expect(Math.abs(db(energy(y, voiced) / energy(signal, voiced)))).toBeLessThan(1);
      // and by the analyser's own measure
      expect(analyzeSamples([y], sr).snrDb! - analyzeSamples([x], sr).snrDb!).toBeGreaterThanOrEqual(6);
    });
  }

  // Noise with most of its power in the speech band is only partly removable by gating: in the voiced frames the
  // mask is open where the speech is, and that is where this noise is too (measured: +5.5 dB, against ~+11 dB for white
  // noise); the pauses are still cleaned.
  it("reduces coloured (low-pass) stationary noise by ≥ 4 dB, sparing the speech", () => {
    const sr = 22050;
    const { signal, voiced } = voicedBursts(sr, 10, 0.1, 3);
    const white = gaussianNoise(signal.length, 0.05, 5);
    const noise = new Float32Array(white.length); // one-pole low-pass: most of its power in the speech band
    for (let i = 1; i < white.length; i++) noise[i] = 0.7 * noise[i - 1]! + 0.3 * white[i]!; // −3 dB at ~1.3 kHz
    const x = add(signal, noise);
    const y = cleanClip(x, sr, { ...NO_CLEANING, denoise: true });
    const residual = Float32Array.from(y, (v, i) => v - signal[i]!);
    expect(db(energy(signal) / energy(residual)) - db(energy(signal) / energy(noise))).toBeGreaterThanOrEqual(4);
    expect(Math.abs(db(energy(y, voiced) / energy(signal, voiced)))).toBeLessThan(1);
  });

  it("refuses a profile of another sample rate and a bad reduction", () => {
    const p = new NoiseProfile(16000, 1024, new Float64Array(513), 1, -60);
    expect(() => spectralGate(new Float32Array(100), 48000, p)).toThrow(/16000 Hz/);
    expect(() => spectralGate(new Float32Array(100), 16000, p, { reductionDb: -3 })).toThrow(RangeError);
    expect(() => new NoiseProfile(16000, 1024, new Float64Array(10), 1, -60)).toThrow(RangeError);
  });
});

describe("normalisation, DC, trimming", { timeout: 60_000 }, () => {
  it("normalises to the LUFS target ± 0.5 LU", () => {
    const sr = 44100;
    const { signal } = voicedBursts(sr, 8, 0.02);
    for (const target of [-23, -16, -30]) {
      const y = normalizeLoudness(signal, sr, target);
      expect(Math.abs(integratedLoudness(y, sr)! - target), `${target}`).toBeLessThanOrEqual(0.5);
      expect(analyzeSamples([y], sr).truePeakDbtp).toBeLessThanOrEqual(CLEANING.truePeakLimitDbtp + 0.01);
    }
  });

  it("lowers the gain so the true peak stays ≤ −1 dBTP (a peaky clip lands below the target)", () => {
    const sr = 48000;
    const x = new Float32Array(sr * 4);
    x.set(tone(1000, sr, 3, 0.01), 0);
    x.set(tone(3000, sr, 0.005, 0.5, 0.3), sr * 3.5); // a 5 ms click 34 dB over the tone
    const y = normalizeLoudness(x, sr, -14);
    const a = analyzeSamples([y], sr);
    expect(a.truePeakDbtp).toBeLessThanOrEqual(-1 + 0.01);
    expect(a.truePeakDbtp).toBeGreaterThan(-1.2);
    expect(a.loudnessLufs!).toBeLessThan(-14);
  });

  it("leaves a silent clip as it is", () => {
    const z = new Float32Array(1000);
    expect(normalizeLoudness(z, 16000, -20)).toEqual(z);
  });

  it("removes a DC offset without changing the rest", () => {
    const sr = 16000;
    const t = tone(200, sr, 2, 0.3);
    const y = removeDc(Float32Array.from(t, (v) => v + 0.05));
    expect(Math.abs(analyzeSamples([y], sr).dcOffset)).toBeLessThan(1e-6);
    expect(fitTone(y, 200, sr).amplitude).toBeCloseTo(0.3, 4);
  });

  it("shortens only the silences longer than the limit, keeping the audio sample-exact", () => {
    const sr = 16000;
    const a = tone(300, sr, 1, 0.3), b = tone(500, sr, 1, 0.3), c = tone(700, sr, 1, 0.3);
    // a, 3 s silence, b, 0.3 s silence, c
    const x = new Float32Array(sr * 6.3);
    x.set(a, 0);
    x.set(b, sr * 4);
    x.set(c, sr * 5.3);
    const y = trimSilences(x, sr, 0.5);
    expect(Math.abs(y.length / sr - 3.8)).toBeLessThanOrEqual(0.011); // 3 s → 0.5 s (10 ms frames)
    expect(y.subarray(0, sr)).toEqual(a);
    // the silence 1–4 s lies on 10 ms frames: 0.25 s of it kept after a, 0.25 s before b, so b starts at 1.5 s
    expect(y.subarray(1.5 * sr, 2.5 * sr)).toEqual(b);
    expect(y.subarray(y.length - sr)).toEqual(c); // the 0.3 s silence before c is kept whole
    expect(trimSilences(a, sr, 0.5)).toEqual(a);
  });

  it("trims long leading and trailing silence down to the limit", () => {
    const sr = 16000;
    const x = new Float32Array(sr * 5);
    x.set(tone(300, sr, 1, 0.3), sr * 2);
    const y = trimSilences(x, sr, 0.25);
    expect(Math.abs(y.length / sr - 1.5)).toBeLessThanOrEqual(0.021);
  });

  it("cleanClip with nothing on returns a copy; every step on gives a clean, normalised clip", () => {
    const sr = 22050;
    const { signal } = voicedBursts(sr, 6, 0.05);
    const x = add(signal, gaussianNoise(signal.length, 0.005)).map((v) => v + 0.02);
    const same = cleanClip(x, sr, NO_CLEANING);
    expect(same).toEqual(x);
    expect(same).not.toBe(x);
    const y = cleanClip(x, sr, { normalizeLufs: -20, removeDc: true, trimSilenceSec: 0.3, denoise: true });
    const a = analyzeSamples([y], sr), before = analyzeSamples([x], sr);
    expect(Math.abs(a.loudnessLufs! - -20)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(a.dcOffset)).toBeLessThan(0.001);
    expect(a.snrDb! - before.snrDb!).toBeGreaterThanOrEqual(6);
  });

  it("refuses options outside the schema", () => {
    const x = new Float32Array(100);
    expect(() => cleanClip(x, 16000, { ...NO_CLEANING, normalizeLufs: -5 })).toThrow(/normalizeLufs/);
    expect(() => cleanClip(x, 16000, { ...NO_CLEANING, trimSilenceSec: 0 })).toThrow(/trimSilenceSec/);
  });
});
