/**
 * The dataset doctor's rules (issue 16): which measurements of a clip or a dataset raise a flag, at which level, and
 * what the flag tells a person to do. Pure and shared by the worker and the web. Every threshold is a constant of
 * FLAG_THRESHOLDS; docs/dataset-doctor.md tabulates them with the reasons.
 */
import type { ClipAnalysis, Flag, FlagCode } from "./analysis";

export const FLAG_THRESHOLDS = {
  /** share of samples in clipped runs: warning from 0.1 %, error from 1 % */
  clippingWarnFraction: 0.001,
  clippingErrorFraction: 0.01,
  /** SNR (active level over the noise floor): warning below 25 dB, error below 15 dB */
  snrWarnDb: 25,
  snrErrorDb: 15,
  /** effective bandwidth: warning below 9 kHz (8 kHz MP3/wideband-phone low-passes), error below 5 kHz (narrowband phone) */
  bandwidthWarnHz: 9000,
  bandwidthErrorHz: 5000,
  /** integrated loudness below this: warning (normalising it raises the noise with it) */
  quietLufs: -40,
  /** true peak above this: warning (the converted audio will clip) */
  loudTruePeakDbtp: 0,
  /** |mean sample value| above this (−40 dBFS): warning */
  dcOffset: 0.01,
  /** share of 50 ms frames below −50 dBFS: warning above 50 %, error above 80 % */
  silenceWarnFraction: 0.5,
  silenceErrorFraction: 0.8,
  /** share of pitch frames with a voiced f0 (after extract): warning below 30 % */
  voicedWarnFraction: 0.3,
  /** a file shorter than 1 s is dropped by preprocess (error); a slice shorter than 0.5 s is a warning */
  fileMinSec: 1,
  sliceMinSec: 0.5,
  /** usable audio in a dataset: the common RVC guidance is 10–50 min; warning below 10 min, error below 1 min */
  datasetWarnMinutes: 10,
  datasetErrorMinutes: 1,
  datasetGuidanceMaxMinutes: 50,
  /** files' pitch centres (√(p5·p95)) spread over more than this many octaves: warning */
  pitchCentreSpreadOctaves: 1,
} as const;

const T = FLAG_THRESHOLDS;

/** 0.034 → "3.4 %", 0.0012 → "0.12 %", 0.5 → "50 %" */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  const s = p >= 10 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toPrecision(2);
  return `${Number(s)} %`;
}

/** 4000 → "4 kHz", 8480 → "8.5 kHz" */
export const formatKhz = (hz: number): string => `${Number((hz / 1000).toFixed(1))} kHz`;

const dB = (x: number): string => `${x < 0 ? "−" : x > 0 ? "+" : ""}${Number(Math.abs(x).toFixed(1))}`;

function flag(code: FlagCode, level: Flag["level"], message: string, value: number | null, threshold: number | null): Flag {
  return { code, level, message, value, threshold };
}

/** The flags one clip's analysis raises (`isSlice`: a slice of an upload, with the slice rules). Most serious first. */
export function clipFlags(a: ClipAnalysis, opts: { isSlice?: boolean } = {}): Flag[] {
  const slice = opts.isSlice === true;
  const out: Flag[] = [];
  const minSec = slice ? T.sliceMinSec : T.fileMinSec;
  if (a.durationSec < minSec) {
    out.push(flag("too_short", slice ? "warning" : "error", `only ${a.durationSec.toFixed(2)} s long — ${slice ? "too short to teach the model much; exclude it" : "preprocess skips files under 1 s; use a longer recording"}`, a.durationSec, minSec));
  }
  const clip = a.clipping.fraction;
  if (clip >= T.clippingWarnFraction) {
    const error = clip >= T.clippingErrorFraction;
    out.push(flag("clipping", error ? "error" : "warning", `clipping in ${formatPercent(clip)} of samples (${a.clipping.runs} runs, longest ${Number(a.clipping.longestRunMs.toFixed(1))} ms) — re-record with lower gain or exclude`, clip, error ? T.clippingErrorFraction : T.clippingWarnFraction));
  }
  if (a.snrDb !== null && a.noiseFloorDb !== null) {
    // a slice has few pauses, so its floor reads high and its SNR low: only a clearly noisy slice is flagged
    const warnAt = slice ? T.snrErrorDb : T.snrWarnDb;
    if (a.snrDb < warnAt) {
      const error = !slice && a.snrDb < T.snrErrorDb;
      out.push(flag("low_snr", error ? "error" : "warning", `noise floor ${dB(a.noiseFloorDb)} dBFS (SNR ~${Math.round(a.snrDb)} dB) — clean it (denoise) or exclude`, a.snrDb, error ? T.snrErrorDb : warnAt));
    }
  }
  const nyquist = a.sampleRate / 2;
  if (a.bandwidthHz > 0 && a.bandwidthHz < T.bandwidthWarnHz) {
    const error = a.bandwidthHz < T.bandwidthErrorHz;
    const why = a.bandwidthHz >= 0.9 * nyquist ? `sampled at ${formatKhz(a.sampleRate)}` : "phone or low-bit-rate audio";
    out.push(flag("band_limited", error ? "error" : "warning", `band-limited to ${formatKhz(a.bandwidthHz)} (${why}) — replace with a better recording or exclude`, a.bandwidthHz, error ? T.bandwidthErrorHz : T.bandwidthWarnHz));
  }
  if (a.loudnessLufs === null) {
    if (a.durationSec >= 0.4) out.push(flag("too_quiet", "error", "no audio above −70 LUFS — the file is silent or nearly so; exclude it", null, -70));
  } else if (a.loudnessLufs < T.quietLufs) {
    out.push(flag("too_quiet", "warning", `loudness ${dB(a.loudnessLufs)} LUFS — very quiet; record closer to the microphone, or normalise (cleaning) if the noise floor allows`, a.loudnessLufs, T.quietLufs));
  }
  if (a.truePeakDbtp > T.loudTruePeakDbtp) {
    out.push(flag("too_loud", "warning", `true peak ${dB(a.truePeakDbtp)} dBTP — over full scale; lower the gain (normalise in cleaning)`, a.truePeakDbtp, T.loudTruePeakDbtp));
  }
  if (Math.abs(a.dcOffset) > T.dcOffset) {
    out.push(flag("dc_offset", "warning", `DC offset ${Number(a.dcOffset.toFixed(3))} (${dB(20 * Math.log10(Math.abs(a.dcOffset)))} dBFS) — turn on DC removal in cleaning`, a.dcOffset, T.dcOffset));
  }
  if (a.silenceFraction > T.silenceWarnFraction && a.durationSec > 0) {
    const error = a.silenceFraction > T.silenceErrorFraction;
    out.push(flag("mostly_silence", error ? "error" : "warning", `${formatPercent(a.silenceFraction)} silence — trim long silences (cleaning) or exclude`, a.silenceFraction, error ? T.silenceErrorFraction : T.silenceWarnFraction));
  }
  if (a.pitch && a.pitch.voicedFraction < T.voicedWarnFraction) {
    out.push(flag("little_voiced", "warning", `voiced in only ${formatPercent(a.pitch.voicedFraction)} of frames — little singing or speech to learn from; check it or exclude`, a.pitch.voicedFraction, T.voicedWarnFraction));
  }
  const rank = (f: Flag) => (f.level === "error" ? 0 : 1);
  return out.sort((x, y) => rank(x) - rank(y));
}

/** Flags of a whole dataset: usable minutes against the 10–50 min guidance, mixed sample rates, pitch spread across files. */
export function datasetFlags(summary: { usableSeconds: number; sampleRates: number[]; pitchP5P95?: [number, number][] }): Flag[] {
  const out: Flag[] = [];
  const minutes = summary.usableSeconds / 60;
  if (minutes < T.datasetWarnMinutes) {
    const error = minutes < T.datasetErrorMinutes;
    const shown = minutes < 1 ? `${Math.round(summary.usableSeconds)} s` : `${Number(minutes.toFixed(1))} min`;
    out.push(flag("too_short", error ? "error" : "warning", `${shown} of usable audio — the common guidance is ${T.datasetWarnMinutes}–${T.datasetGuidanceMaxMinutes} min; add recordings`, minutes, error ? T.datasetErrorMinutes : T.datasetWarnMinutes));
  }
  const rates = [...new Set(summary.sampleRates.filter((r) => r > 0))].sort((a, b) => a - b);
  if (rates.length > 1) {
    out.push(flag("mixed_sample_rates", "warning", `mixed sample rates (${rates.map(formatKhz).join(", ")}) — files at ${formatKhz(rates[0]!)} carry nothing above ${formatKhz(rates[0]! / 2)}; prefer recordings at the highest rate`, rates.length, 1));
  }
  const centres = (summary.pitchP5P95 ?? []).filter(([a, b]) => a > 0 && b > 0).map(([a, b]) => Math.sqrt(a * b));
  if (centres.length > 1) {
    const lo = Math.min(...centres), hi = Math.max(...centres);
    const spread = Math.log2(hi / lo);
    if (spread > T.pitchCentreSpreadOctaves) {
      out.push(flag("wide_pitch_range", "warning", `files' pitch centres span ${Number(spread.toFixed(1))} octaves (${Math.round(lo)}–${Math.round(hi)} Hz) — more than one voice, or pitch errors; check the outliers`, spread, T.pitchCentreSpreadOctaves));
    }
  }
  const rank = (f: Flag) => (f.level === "error" ? 0 : 1);
  return out.sort((x, y) => rank(x) - rank(y));
}
