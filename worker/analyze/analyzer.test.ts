import { describe, expect, it } from "vitest";
import { ClipAnalysis } from "@/lib/dataset/analysis";
import { clipFlags } from "@/lib/dataset/flags";
import { noise, tone } from "../dsp/test-signals";
import { ClipAnalyzer, analyzeSamples } from "./analyzer";
import { BS1770_48K, biquadGain, kWeighting } from "./loudness";
import { add, gaussianNoise, voicedBursts } from "./signals";

const dbAmp = (db: number) => 10 ** (db / 20);
/** planar stereo from per-channel segments [seconds, dBFS amplitude] of a 1 kHz sine (EBU Tech 3341 style) */
function toneSequence(sr: number, segments: [number, number][]): Float32Array {
  const parts = segments.map(([s, db]) => tone(1000, sr, s, dbAmp(db)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

describe("K-weighting", { timeout: 60_000 }, () => {
  it("reproduces the BS.1770-4 coefficient tables at 48 kHz", () => {
    const k = kWeighting(48000);
    for (const stage of ["shelf", "highpass"] as const) {
      for (const c of ["b0", "b1", "b2", "a1", "a2"] as const) expect(k[stage][c]).toBeCloseTo(BS1770_48K[stage][c], 8);
    }
  });

  // the bilinear transform bends the shelf a little differently at each rate: measured worst 0.005 dB at 44.1 kHz,
  // 0.012 dB at 40 kHz, 0.15 dB at 16 kHz (all near 2.7 kHz)
  it("has the response of the 48 kHz filter at 44.1 kHz, 40 kHz (± 0.02 dB) and 16 kHz (± 0.2 dB), below 0.4·fs", () => {
    const ref = kWeighting(48000);
    for (const [sr, tol] of [[44100, 0.02], [40000, 0.02], [16000, 0.2]] as const) {
      const k = kWeighting(sr);
      for (const f of [20, 50, 100, 500, 1000, 2000, 2700, 4000, 0.4 * sr]) {
        const a = 20 * Math.log10(biquadGain(k.shelf, f, sr) * biquadGain(k.highpass, f, sr));
        const b = 20 * Math.log10(biquadGain(ref.shelf, f, 48000) * biquadGain(ref.highpass, f, 48000));
        expect(Math.abs(a - b), `${sr} Hz at ${f} Hz`).toBeLessThan(tol);
      }
    }
  });

  it("refuses a rate too low for the shelf", () => {
    expect(() => kWeighting(3000)).toThrow(/sample rate/);
  });
});

describe("integrated loudness (BS.1770-4)", { timeout: 60_000 }, () => {
  it("a mono 1 kHz sine at −20 dBFS reads −23.0 LUFS at 48, 44.1 and 40 kHz", () => {
    // Reference: L = −0.691 + 10·log10(Σ G·ms of the K-weighted signal), G = 1 for a mono channel. A sine of amplitude
    // 0.1 (−20 dBFS peak) has ms 0.005 (−23.01 dB); the K-weighting gain at 1 kHz (from BS.1770's own 48 kHz table)
    // is what the −0.691 cancels, so the expected value is −23.01 LUFS.
    const kGainDb = 20 * Math.log10(biquadGain(BS1770_48K.shelf, 1000, 48000) * biquadGain(BS1770_48K.highpass, 1000, 48000));
    expect(Math.abs(kGainDb - 0.691)).toBeLessThan(0.01); // 0.698 dB
    const expected = -0.691 + 10 * Math.log10(0.005) + kGainDb;
    expect(expected).toBeCloseTo(-23.0, 1);
    for (const sr of [48000, 44100, 40000]) {
      const a = analyzeSamples([tone(1000, sr, 10, 0.1)], sr);
      expect(Math.abs(a.loudnessLufs! - expected), `${sr} Hz`).toBeLessThanOrEqual(0.1);
      expect(Math.abs(a.loudnessLufs! - -23.0)).toBeLessThanOrEqual(0.1);
    }
  });

  // EBU Tech 3341 (2016) minimum requirements, cases 1–5: stereo 1 kHz sines, the same in both channels, at 48 kHz
  const ebu: [string, [number, number][], number][] = [
    ["case 1: −23 dBFS for 20 s", [[20, -23]], -23],
    ["case 2: −33 dBFS for 20 s", [[20, -33]], -33],
    ["case 3: −36/−23/−36 dBFS, 10/60/10 s (relative gate)", [[10, -36], [60, -23], [10, -36]], -23],
    ["case 4: −72/−36/−23/−36/−72 dBFS, 10/10/60/10/10 s (both gates)", [[10, -72], [10, -36], [60, -23], [10, -36], [10, -72]], -23],
    ["case 5: −26/−20/−26 dBFS, 20/20.1/20 s", [[20, -26], [20.1, -20], [20, -26]], -23],
  ];
  for (const [name, segs, want] of ebu) {
    it(`EBU Tech 3341 ${name} reads ${want} ± 0.1 LUFS`, () => {
      const x = toneSequence(48000, segs);
      const a = analyzeSamples([x, x], 48000);
      expect(Math.abs(a.loudnessLufs! - want)).toBeLessThanOrEqual(0.1);
    });
  }

  it("is null when everything is below the absolute gate or shorter than one 400 ms block", () => {
    expect(analyzeSamples([tone(1000, 48000, 5, dbAmp(-80))], 48000).loudnessLufs).toBeNull();
    expect(analyzeSamples([tone(1000, 48000, 0.3, 0.5)], 48000).loudnessLufs).toBeNull();
    expect(analyzeSamples([tone(1000, 48000, 0.45, 0.5)], 48000).loudnessLufs).not.toBeNull();
  });

  it("weighs a 5.1 file's LFE 0 and its surrounds 1.41", () => {
    const sr = 48000, x = tone(1000, sr, 5, 0.1), z = new Float32Array(x.length);
    const mono = analyzeSamples([x], sr).loudnessLufs!;
    expect(analyzeSamples([z, z, z, x, z, z], sr).loudnessLufs).toBeNull(); // LFE only
    expect(analyzeSamples([z, z, z, z, x, z], sr).loudnessLufs!).toBeCloseTo(mono + 10 * Math.log10(1.41), 1);
  });
});

describe("peaks", { timeout: 60_000 }, () => {
  it("a sine at fs/4 with its peaks between samples: true peak reads the real peak, the sample peak 3 dB lower", () => {
    const sr = 48000;
    const x = tone(sr / 4, sr, 1, 0.5, Math.PI / 4); // samples at ±0.5·sin(45°)
    const a = analyzeSamples([x], sr);
    expect(Math.abs(a.truePeakDbtp - 20 * Math.log10(0.5))).toBeLessThanOrEqual(0.2);
    expect(a.samplePeakDb).toBeCloseTo(20 * Math.log10(0.5 * Math.SQRT1_2), 1);
  });

  it("true peak is within +0.2/−0.6 dB of a sine's amplitude from 100 Hz to 0.4·fs at any phase", () => {
    const sr = 44100;
    for (const f of [100, 997, 3000, 7001, 12000, 0.4 * sr]) {
      for (const ph of [0, 0.3, 1.1]) {
        const a = analyzeSamples([tone(f, sr, 0.5, 0.5, ph)], sr);
        const err = a.truePeakDbtp - 20 * Math.log10(0.5);
        expect(err, `${f} Hz`).toBeLessThanOrEqual(0.2);
        expect(err, `${f} Hz`).toBeGreaterThanOrEqual(-0.6);
        expect(a.truePeakDbtp).toBeGreaterThanOrEqual(a.samplePeakDb);
      }
    }
  });
});

describe("clipping", { timeout: 60_000 }, () => {
  // a 100 Hz sine of amplitude 2 hard-clipped at ±1: |2 sin| ≥ 0.999 for a share 1 − (2/π)·asin(0.999/2) of the time
  const expectedShare = 1 - (2 / Math.PI) * Math.asin(0.999 / 2);
  const clipped = (sr: number, level: number) =>
    Float32Array.from(tone(100, sr, 2, 2), (v) => level * Math.max(-1, Math.min(1, v)));

  it("flags a hard-clipped sine with the right share, run count and run length", () => {
    const a = analyzeSamples([clipped(48000, 1)], 48000);
    expect(Math.abs(a.clipping.fraction - expectedShare)).toBeLessThan(0.005);
    const flag = clipFlags(a).find((f) => f.code === "clipping")!;
    expect(flag.level).toBe("error");
    expect(flag.message).toMatch(/^clipping in 67 % of samples/);
    expect(a.clipping.runs).toBeGreaterThanOrEqual(399); // two runs per period over 2 s
    expect(a.clipping.runs).toBeLessThanOrEqual(401);
    expect(a.clipping.longestRunMs).toBeCloseTo(expectedShare * 5, 0); // half a 10 ms period each
    expect(a.regions.some((r) => r.kind === "clipping")).toBe(true);
  });

  it("finds clipping turned down afterwards (the file's own flat-top level)", () => {
    const a = analyzeSamples([clipped(48000, 0.5)], 48000);
    expect(Math.abs(a.clipping.fraction - expectedShare)).toBeLessThan(0.005);
  });

  it("reads a clean loud sine and speech-like bursts as unclipped", () => {
    expect(analyzeSamples([tone(100, 48000, 2, 0.95)], 48000).clipping.fraction).toBe(0);
    expect(analyzeSamples([tone(150, 48000, 2, 0.5)], 48000).clipping.runs).toBe(0);
    expect(analyzeSamples([voicedBursts(48000, 5).signal], 48000).clipping.runs).toBe(0);
  });

  it("measures the share in speech-like audio with a few clipped bursts", () => {
    const sr = 44100;
    const { signal } = voicedBursts(sr, 10, 0.25); // peaks below 0.5
    const x = signal.slice();
    // 2…4 s three times louder and clipped hard at ±0.5; then all scaled so the clipped level is full scale
    let counted = 0;
    for (let i = 2 * sr; i < 4 * sr; i++) x[i] = Math.max(-0.5, Math.min(0.5, 3 * x[i]!));
    const y = Float32Array.from(x, (v) => v * 2);
    // the known answer: samples in runs ≥ 3 at |y| ≥ 0.999 computed directly
    let run = 0;
    for (let i = 0; i <= y.length; i++) {
      const hit = i < y.length && Math.abs(y[i]!) >= 0.999 && (run === 0 || Math.sign(y[i]!) === Math.sign(y[i - 1]!));
      if (hit) run++;
      else {
        if (run >= 3) counted += run;
        run = i < y.length && Math.abs(y[i]!) >= 0.999 ? 1 : 0;
      }
    }
    expect(counted).toBeGreaterThan(0.01 * y.length);
    const a = analyzeSamples([y], sr);
    expect(Math.abs(a.clipping.fraction - counted / y.length)).toBeLessThan(0.002);
    for (const r of a.regions.filter((r) => r.kind === "clipping")) {
      expect(r.startSec).toBeGreaterThanOrEqual(1.99);
      expect(r.endSec).toBeLessThanOrEqual(4.01);
    }
  });

  it("keeps at most 100 clipping regions however many spans there are", () => {
    const sr = 16000, x = new Float32Array(sr * 60);
    for (let s = 0; s < x.length; s += 1600) x.fill(1, s, s + 5); // 600 separate runs, 0.1 s apart
    const a = analyzeSamples([x], sr);
    expect(a.clipping.runs).toBe(600);
    const regions = a.regions.filter((r) => r.kind === "clipping");
    expect(regions.length).toBeLessThanOrEqual(100);
    expect(regions[0]!.startSec).toBe(0);
    expect(regions.at(-1)!.endSec).toBeGreaterThan(59.8);
  });
});

describe("noise floor, SNR, silence", { timeout: 60_000 }, () => {
  for (const snr of [10, 20, 30]) {
    it(`white noise at ${snr} dB SNR under speech-like bursts reads ${snr} ± 2 dB`, () => {
      const sr = 48000;
      const { signal } = voicedBursts(sr, 20, 0.1); // burst RMS 0.1 = −20 dBFS
      const noiseRms = 0.1 / 10 ** (snr / 20);
      const a = analyzeSamples([add(signal, gaussianNoise(signal.length, noiseRms))], sr);
      expect(Math.abs(a.snrDb! - snr)).toBeLessThanOrEqual(2);
      expect(Math.abs(a.noiseFloorDb! - 20 * Math.log10(noiseRms))).toBeLessThanOrEqual(1);
    });
  }

  it("measures the silence share and marks silences of a second or more", () => {
    const sr = 16000;
    const t = tone(440, sr, 1, 0.3);
    const x = new Float32Array(sr * 4.5);
    x.set(t, 0);
    x.set(t, sr * 3);
    x.set(tone(440, sr, 0.5, 0.3), sr * 4.0); // tone 0–1 s, silence 1–3 s, tone 3–4.5 s
    const a = analyzeSamples([x], sr);
    expect(a.silenceFraction).toBeCloseTo(2 / 4.5, 2);
    const sil = a.regions.filter((r) => r.kind === "silence");
    expect(sil).toHaveLength(1);
    expect(sil[0]!.startSec).toBeCloseTo(1, 1);
    expect(sil[0]!.endSec).toBeCloseTo(3, 1);
    expect(a.noiseFloorDb).not.toBeNull(); // the tone frames; digital silence is not a floor
  });

  it("digital silence: no floor, no SNR, all silent, peaks at the −200 floor", () => {
    const a = analyzeSamples([new Float32Array(48000)], 48000);
    expect(a).toMatchObject({ noiseFloorDb: null, snrDb: null, silenceFraction: 1, samplePeakDb: -200, truePeakDbtp: -200, bandwidthHz: 0 });
  });
});

describe("bandwidth", { timeout: 60_000 }, () => {
  it("sines up to 8 kHz at 44.1 kHz read ≈ 8 kHz (band-limited); full-band noise reads ≈ Nyquist", () => {
    const sr = 44100, n = sr * 3;
    const x = new Float32Array(n);
    const ph = noise(300, Math.PI, 5);
    for (let k = 0; k < 101; k++) {
      const f = 100 + 79 * k; // 100 … 8,000 Hz
      const w = (2 * Math.PI * f) / sr;
      for (let i = 0; i < n; i++) x[i]! += 0.01 * Math.sin(w * i + ph[k]!);
    }
    const limited = analyzeSamples([x], sr);
    expect(limited.bandwidthHz).toBeGreaterThan(7700);
    expect(limited.bandwidthHz).toBeLessThan(8300);
    expect(clipFlags(limited).map((f) => f.code)).toContain("band_limited");
    const full = analyzeSamples([gaussianNoise(n, 0.1)], sr);
    expect(full.bandwidthHz).toBeGreaterThan(0.95 * (sr / 2));
    expect(clipFlags(full).map((f) => f.code)).not.toContain("band_limited");
  });

  it("speech-like bursts limited to 4 kHz read ≈ 4 kHz (phone band)", () => {
    const sr = 48000;
    const b = analyzeSamples([voicedBursts(sr, 5).signal], sr).bandwidthHz;
    expect(b).toBeGreaterThan(3700);
    expect(b).toBeLessThan(4400);
  });
});

describe("DC offset, format and hostile input", { timeout: 60_000 }, () => {
  it("measures a DC offset", () => {
    const a = analyzeSamples([Float32Array.from(tone(200, 16000, 2, 0.3), (v) => v + 0.05)], 16000);
    expect(a.dcOffset).toBeCloseTo(0.05, 4);
  });

  it("returns a valid ClipAnalysis (the shared schema)", () => {
    const a = analyzeSamples([tone(200, 22050, 1.3, 0.3), tone(300, 22050, 1.3, 0.2)], 22050);
    expect(ClipAnalysis.parse(a)).toEqual(a);
    expect(a.durationSec).toBeCloseTo(1.3, 3);
    expect(a.channels).toBe(2);
  });

  it("refuses bad formats and partial frames, and reads non-finite samples as 0", () => {
    expect(() => new ClipAnalyzer(0, 48000)).toThrow(RangeError);
    expect(() => new ClipAnalyzer(65, 48000)).toThrow(RangeError);
    expect(() => new ClipAnalyzer(1, 100)).toThrow(RangeError);
    expect(() => new ClipAnalyzer(1, 44100.5)).toThrow(RangeError);
    expect(() => new ClipAnalyzer(2, 48000).push(new Float32Array(3))).toThrow(/whole frames/);
    const x = tone(500, 16000, 1, 0.2);
    const bad = x.slice();
    bad[100] = NaN;
    bad[200] = Infinity;
    const clean = x.slice();
    clean[100] = 0;
    clean[200] = 0;
    expect(analyzeSamples([bad], 16000)).toEqual(analyzeSamples([clean], 16000));
  });

  it("an empty clip analyses to zeros", () => {
    const a = new ClipAnalyzer(1, 16000).finish();
    expect(a).toMatchObject({ durationSec: 0, loudnessLufs: null, clipping: { fraction: 0, runs: 0 }, silenceFraction: 1 });
  });
});

describe("streaming", { timeout: 60_000 }, () => {
  it("block-wise pushes give exactly the whole-push result", () => {
    const sr = 44100;
    const { signal } = voicedBursts(sr, 6, 0.3);
    const left = add(signal, gaussianNoise(signal.length, 0.003));
    for (let i = sr; i < 2 * sr; i++) left[i] = Math.max(-1, Math.min(1, left[i]! * 3));
    const right = Float32Array.from(left, (v, i) => 0.7 * v + (i % 1000 === 0 ? 0.2 : 0));
    const inter = new Float32Array(left.length * 2);
    for (let i = 0; i < left.length; i++) { inter[2 * i] = left[i]!; inter[2 * i + 1] = right[i]!; }
    const whole = new ClipAnalyzer(2, sr);
    whole.push(inter);
    const expected = whole.finish();
    const sizes = [1, 7, 2, 1000, 4409, 65536, 13, 3];
    const blocks = new ClipAnalyzer(2, sr);
    let at = 0, k = 0;
    while (at < left.length) {
      const m = Math.min(sizes[k++ % sizes.length]!, left.length - at);
      blocks.push(inter.subarray(2 * at, 2 * (at + m)));
      at += m;
    }
    expect(blocks.finish()).toEqual(expected);
    // planar blocks (what the decoder gives) too
    const planar = new ClipAnalyzer(2, sr);
    for (let s = 0; s < left.length; s += 3001) planar.pushPlanar([left.subarray(s, s + 3001), right.subarray(s, s + 3001)]);
    expect(planar.finish()).toEqual(expected);
    expect(expected.clipping.runs).toBeGreaterThan(0);
  });
});
