/**
 * The dataset doctor's data (issue 16): what the analysis of one file or slice measures, the flags it raises and the
 * optional cleaning a preprocess applies. Shared by the worker (which measures: `worker/analyze/`) and the web/API
 * (which stores, shows and documents it). Schemas only; the measuring is in the worker, the flag rules in `flags.ts`.
 */
import { z } from "zod";

export const ANALYSIS_VERSION = 1;

/** A span of a clip that a flag concerns (shown on the file's waveform). */
export const FlaggedRegion = z
  .strictObject({
    startSec: z.number(),
    endSec: z.number(),
    kind: z.enum(["clipping", "silence", "noise"]),
  })
  .meta({ id: "FlaggedRegion" });
export type FlaggedRegion = z.infer<typeof FlaggedRegion>;

export const PitchStats = z
  .strictObject({
    voicedFraction: z.number().meta({ description: "share of pitch frames with a voiced f0" }),
    p5Hz: z.number().nullable(),
    p50Hz: z.number().nullable(),
    p95Hz: z.number().nullable(),
    histogram: z
      .strictObject({
        edgesHz: z.array(z.number()).meta({ description: "bin edges (one more than counts), log-spaced" }),
        counts: z.array(z.int()),
      })
      .meta({ description: "voiced f0 frames per bin" }),
  })
  .meta({ id: "PitchStats", description: "voiced f0 statistics (after extract)" });
export type PitchStats = z.infer<typeof PitchStats>;

export const ClipAnalysis = z
  .strictObject({
    version: z.int().meta({ description: "ANALYSIS_VERSION of the analyser that wrote it" }),
    durationSec: z.number(),
    sampleRate: z.int(),
    channels: z.int(),
    loudnessLufs: z.number().nullable().meta({ description: "integrated loudness, ITU-R BS.1770-4 / EBU R128 (null: all gated out)" }),
    truePeakDbtp: z.number().meta({ description: "true peak (4× oversampled), dBTP" }),
    samplePeakDb: z.number().meta({ description: "sample peak, dBFS" }),
    clipping: z.strictObject({
      fraction: z.number().meta({ description: "share of samples in runs of ≥ 3 consecutive samples at full scale" }),
      runs: z.int(),
      longestRunMs: z.number(),
    }),
    dcOffset: z.number().meta({ description: "mean sample value (linear, -1…1)" }),
    noiseFloorDb: z.number().nullable().meta({ description: "RMS of the quiet frames, dBFS (null: no quiet frames)" }),
    snrDb: z.number().nullable().meta({ description: "active speech level over the noise floor, dB" }),
    bandwidthHz: z.number().meta({ description: "highest frequency with content within 50 dB of the spectral peak band" }),
    silenceFraction: z.number().meta({ description: "share of 50 ms frames below -50 dBFS" }),
    regions: z.array(FlaggedRegion).meta({ description: "clipped and long silent spans (merged, at most 200)" }),
    pitch: PitchStats.optional(),
  })
  .meta({ id: "ClipAnalysis", description: "what the dataset doctor measured in one file or slice" });
export type ClipAnalysis = z.infer<typeof ClipAnalysis>;

export const FlagCode = z.enum([
  "clipping",
  "low_snr",
  "band_limited",
  "too_quiet",
  "too_loud",
  "dc_offset",
  "mostly_silence",
  "little_voiced",
  "too_short",
  // dataset level
  "mixed_sample_rates",
  "wide_pitch_range",
]);
export type FlagCode = z.infer<typeof FlagCode>;

export const Flag = z
  .strictObject({
    code: FlagCode,
    level: z.enum(["warning", "error"]),
    message: z.string().meta({ description: "what was measured and what to do, e.g. 'clipping in 3 % of samples — re-record with lower gain or exclude'" }),
    value: z.number().nullable(),
    threshold: z.number().nullable(),
  })
  .meta({ id: "DatasetFlag" });
export type Flag = z.infer<typeof Flag>;

/** Optional, non-destructive cleaning applied by preprocess (the uploaded originals are never changed). */
export const CleaningOptions = z
  .strictObject({
    normalizeLufs: z.number().min(-40).max(-10).nullable().meta({ description: "loudness target in LUFS; null: off" }),
    removeDc: z.boolean(),
    trimSilenceSec: z.number().min(0.1).max(10).nullable().meta({ description: "shorten silences longer than this to this; null: off" }),
    denoise: z.boolean().meta({ description: "spectral gating with a noise profile from the clip's own quiet frames" }),
  })
  .meta({ id: "CleaningOptions" });
export type CleaningOptions = z.infer<typeof CleaningOptions>;
export const NO_CLEANING: CleaningOptions = { normalizeLufs: null, removeDc: false, trimSilenceSec: null, denoise: false };
