import { describe, expect, it } from "vitest";
import { ANALYSIS_VERSION, type ClipAnalysis, Flag } from "./analysis";
import { FLAG_THRESHOLDS as T, clipFlags, datasetFlags, formatKhz, formatPercent } from "./flags";

/** a clean 10 s, 48 kHz speech clip: no flag */
const clean: ClipAnalysis = {
  version: ANALYSIS_VERSION,
  durationSec: 10,
  sampleRate: 48000,
  channels: 1,
  loudnessLufs: -20,
  truePeakDbtp: -3,
  samplePeakDb: -3.2,
  clipping: { fraction: 0, runs: 0, longestRunMs: 0 },
  dcOffset: 0.0001,
  noiseFloorDb: -65,
  snrDb: 45,
  bandwidthHz: 20000,
  silenceFraction: 0.2,
  regions: [],
};
const codes = (flags: Flag[]) => flags.map((f) => `${f.code}:${f.level}`);

describe("clipFlags", () => {
  it("raises nothing for a clean clip; every flag parses as the shared schema", () => {
    expect(clipFlags(clean)).toEqual([]);
    const bad: ClipAnalysis = { ...clean, durationSec: 0.5, loudnessLufs: -45, truePeakDbtp: 0.4, dcOffset: 0.05, silenceFraction: 0.9, bandwidthHz: 4000, snrDb: 10, noiseFloorDb: -50, clipping: { fraction: 0.03, runs: 12, longestRunMs: 2.5 }, pitch: { voicedFraction: 0.1, p5Hz: 100, p50Hz: 120, p95Hz: 150, histogram: { edgesHz: [50, 60], counts: [1] } } };
    const flags = clipFlags(bad);
    for (const f of flags) expect(Flag.parse(f)).toEqual(f);
    expect(new Set(flags.map((f) => f.code))).toEqual(new Set(["too_short", "clipping", "low_snr", "band_limited", "too_quiet", "too_loud", "dc_offset", "mostly_silence", "little_voiced"]));
    expect(flags.findIndex((f) => f.level === "warning")).toBeGreaterThan(flags.findLastIndex((f) => f.level === "error")); // errors first
  });

  it("clipping: warning from 0.1 %, error from 1 %, the message says the share and what to do", () => {
    const at = (fraction: number) => clipFlags({ ...clean, clipping: { fraction, runs: 4, longestRunMs: 1.2 } });
    expect(at(T.clippingWarnFraction * 0.99)).toEqual([]);
    expect(codes(at(T.clippingWarnFraction))).toEqual(["clipping:warning"]);
    const f = at(0.03)[0]!;
    expect(f).toMatchObject({ code: "clipping", level: "error", value: 0.03, threshold: T.clippingErrorFraction });
    expect(f.message).toBe("clipping in 3 % of samples (4 runs, longest 1.2 ms) — re-record with lower gain or exclude");
  });

  it("low SNR: the floor and the SNR in the message; a slice is flagged only below the error threshold, as a warning", () => {
    const f = clipFlags({ ...clean, noiseFloorDb: -38, snrDb: 18 })[0]!;
    expect(f).toMatchObject({ code: "low_snr", level: "warning" });
    expect(f.message).toBe("noise floor −38 dBFS (SNR ~18 dB) — clean it (denoise) or exclude");
    expect(codes(clipFlags({ ...clean, snrDb: 12 }))).toEqual(["low_snr:error"]);
    expect(clipFlags({ ...clean, snrDb: 18 }, { isSlice: true })).toEqual([]);
    expect(codes(clipFlags({ ...clean, snrDb: 12 }, { isSlice: true }))).toEqual(["low_snr:warning"]);
    expect(clipFlags({ ...clean, snrDb: null, noiseFloorDb: null })).toEqual([]);
  });

  it("band-limited: phone audio is an error, an 8 kHz low-pass a warning, a 16 kHz file names its rate", () => {
    const phone = clipFlags({ ...clean, bandwidthHz: 3900 })[0]!;
    expect(phone).toMatchObject({ code: "band_limited", level: "error" });
    expect(phone.message).toBe("band-limited to 3.9 kHz (phone or low-bit-rate audio) — replace with a better recording or exclude");
    expect(codes(clipFlags({ ...clean, bandwidthHz: 8000 }))).toEqual(["band_limited:warning"]);
    expect(clipFlags({ ...clean, bandwidthHz: T.bandwidthWarnHz })).toEqual([]);
    expect(clipFlags({ ...clean, sampleRate: 16000, bandwidthHz: 7900 })[0]!.message).toContain("sampled at 16 kHz");
  });

  it("silent clip: too_quiet error when nothing passes the gate; short slices are warnings, short files errors", () => {
    expect(codes(clipFlags({ ...clean, loudnessLufs: null }))).toContain("too_quiet:error");
    expect(codes(clipFlags({ ...clean, durationSec: 0.7 }))).toEqual(["too_short:error"]);
    expect(codes(clipFlags({ ...clean, durationSec: 0.7 }, { isSlice: true }))).toEqual([]);
    expect(codes(clipFlags({ ...clean, durationSec: 0.3 }, { isSlice: true }))).toEqual(["too_short:warning"]);
  });

  it("formats shares and frequencies for people", () => {
    expect(formatPercent(0.03)).toBe("3 %");
    expect(formatPercent(0.0012)).toBe("0.12 %");
    expect(formatPercent(0.034)).toBe("3.4 %");
    expect(formatPercent(0.5)).toBe("50 %");
    expect(formatKhz(8480)).toBe("8.5 kHz");
    expect(formatKhz(44100)).toBe("44.1 kHz");
  });
});

describe("datasetFlags", () => {
  it("usable minutes against the 10–50 min guidance", () => {
    expect(datasetFlags({ usableSeconds: 15 * 60, sampleRates: [48000] })).toEqual([]);
    const few = datasetFlags({ usableSeconds: 6.5 * 60, sampleRates: [48000] });
    expect(few).toHaveLength(1);
    expect(few[0]).toMatchObject({ code: "too_short", level: "warning", value: 6.5, threshold: 10 });
    expect(few[0]!.message).toBe("6.5 min of usable audio — the common guidance is 10–50 min; add recordings");
    expect(codes(datasetFlags({ usableSeconds: 40, sampleRates: [48000] }))).toEqual(["too_short:error"]);
    expect(datasetFlags({ usableSeconds: 40, sampleRates: [] })[0]!.message).toMatch(/^40 s of usable audio/);
  });

  it("mixed sample rates", () => {
    const f = datasetFlags({ usableSeconds: 1200, sampleRates: [48000, 16000, 48000] });
    expect(codes(f)).toEqual(["mixed_sample_rates:warning"]);
    expect(f[0]!.message).toContain("16 kHz, 48 kHz");
    expect(f[0]!.message).toContain("nothing above 8 kHz");
  });

  it("pitch centres across files spread over more than an octave", () => {
    const one = datasetFlags({ usableSeconds: 1200, sampleRates: [48000], pitchP5P95: [[90, 160], [100, 180], [95, 170]] });
    expect(one).toEqual([]);
    const two = datasetFlags({ usableSeconds: 1200, sampleRates: [48000], pitchP5P95: [[90, 160], [200, 380]] });
    expect(codes(two)).toEqual(["wide_pitch_range:warning"]);
    expect(two[0]!.message).toContain("120–276 Hz");
  });
});
