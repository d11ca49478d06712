/** The dataset card: what an experiment's audio adds up to, and what to fix before spending GPU time. Pure. */
import type { AudioStats } from "../audio/stats";
import { formatDuration } from "../format";
import type { ClipAnalysis, Flag, FlagCode } from "../dataset/analysis";
import { clipFlags, datasetFlags } from "../dataset/flags";
import type { AudioFileJson } from "./ingest";

export interface CardFile {
  id: string;
  originalName: string;
  durationSec: number | null;
  sampleRate: number | null;
  stats: Partial<AudioStats> | null;
  /** left out of training by the dataset doctor */
  excluded?: boolean;
  analysis?: ClipAnalysis | null;
}

export interface CardWarning {
  code: "no_audio" | "under_1_minute" | "under_10_minutes" | "clipping" | "low_level" | "mostly_silence" | "mixed_sample_rates";
  level: "error" | "warning";
  message: string;
  files?: string[];
}

export interface DatasetCard {
  fileCount: number;
  totalSeconds: number;
  shortest: { name: string; seconds: number } | null;
  longest: { name: string; seconds: number } | null;
  sampleRates: Record<string, number>;
  warnings: CardWarning[];
  /** what trains after the exclusions */
  included: { fileCount: number; totalSeconds: number; excludedFiles: number; excludedSlices: number };
  analysed: number;
  /** flag code → included files with it */
  flagCounts: Partial<Record<FlagCode, number>>;
  datasetFlags: Flag[];
}

export const CARD_LIMITS = {
  minSeconds: 60,
  goodSeconds: 600,
  /** share of clipped samples above which a file counts as clipping */
  clippedFraction: 0.001,
  /** a file whose peak stays below this is very quiet */
  lowPeakDb: -30,
  /** a file whose 50 ms windows are mostly below -50 dBFS */
  silentFraction: 0.5,
} as const;

function listNames(files: CardFile[]): string {
  const names = files.slice(0, 3).map((f) => f.originalName);
  return names.join(", ") + (files.length > 3 ? ` and ${files.length - 3} more` : "");
}

export function datasetCard(files: CardFile[], excludedSlices = 0): DatasetCard {
  const timed = files.filter((f) => f.durationSec !== null);
  const totalSeconds = timed.reduce((s, f) => s + f.durationSec!, 0);
  const sorted = [...timed].sort((a, b) => a.durationSec! - b.durationSec!);
  const ends = (f: CardFile | undefined) => (f ? { name: f.originalName, seconds: f.durationSec! } : null);
  const sampleRates: Record<string, number> = {};
  for (const f of files) if (f.sampleRate) sampleRates[f.sampleRate] = (sampleRates[f.sampleRate] ?? 0) + 1;

  const warnings: CardWarning[] = [];
  if (files.length === 0) {
    warnings.push({ code: "no_audio", level: "error", message: "No audio yet: upload recordings of the voice (10 minutes or more is best)" });
  } else if (totalSeconds < CARD_LIMITS.minSeconds) {
    warnings.push({
      code: "under_1_minute",
      level: "error",
      message: `Only ${formatDuration(totalSeconds)} of audio: training needs at least 1 minute, and 10 minutes or more gives good results`,
    });
  } else if (totalSeconds < CARD_LIMITS.goodSeconds) {
    warnings.push({
      code: "under_10_minutes",
      level: "warning",
      message: `${formatDuration(totalSeconds)} of audio: under 10 minutes the model usually sounds rough; add more if you can`,
    });
  }
  const perFile: [CardWarning["code"], (f: CardFile) => boolean, (fs: CardFile[]) => string][] = [
    ["clipping", (f) => (f.stats?.clippedFraction ?? 0) > CARD_LIMITS.clippedFraction, (fs) => `${fs.length} file(s) clip (distorted peaks at full scale): ${listNames(fs)}`],
    ["low_level", (f) => (f.stats?.peakDb ?? 0) < CARD_LIMITS.lowPeakDb, (fs) => `${fs.length} file(s) are very quiet (peak below ${CARD_LIMITS.lowPeakDb} dBFS): ${listNames(fs)}`],
    ["mostly_silence", (f) => (f.stats?.silentFraction ?? 0) > CARD_LIMITS.silentFraction, (fs) => `${fs.length} file(s) are mostly silence: ${listNames(fs)}`],
  ];
  for (const [code, bad, message] of perFile) {
    // what to fix: the files that will train (an excluded file is already dealt with)
    const hit = files.filter((f) => !f.excluded && bad(f));
    if (hit.length) warnings.push({ code, level: "warning", message: message(hit), files: hit.map((f) => f.id) });
  }
  const rates = Object.keys(sampleRates);
  if (rates.length > 1) {
    warnings.push({
      code: "mixed_sample_rates",
      level: "warning",
      message: `Mixed sample rates (${rates.map((r) => `${Number(r) / 1000} kHz × ${sampleRates[r]}`).join(", ")}): all are resampled, but the lowest rate limits quality`,
    });
  }
  return { fileCount: files.length, totalSeconds, shortest: ends(sorted[0]), longest: ends(sorted[sorted.length - 1]), sampleRates, warnings, ...doctorSummary(files, excludedSlices) };
}

/**
 * The dataset doctor's part of the card (pure): totals of the files that train (not excluded), how many files and
 * slices are excluded, flag counts of the included files and the dataset's own flags from them.
 */
export function doctorSummary(files: CardFile[], excludedSlices = 0): Pick<DatasetCard, "included" | "analysed" | "flagCounts" | "datasetFlags"> {
  const included = files.filter((f) => !f.excluded);
  const seconds = included.reduce((s, f) => s + (f.durationSec ?? 0), 0);
  const flagCounts: Partial<Record<FlagCode, number>> = {};
  for (const f of included) {
    if (!f.analysis) continue;
    for (const flag of clipFlags(f.analysis)) flagCounts[flag.code] = (flagCounts[flag.code] ?? 0) + 1;
  }
  const rates = [...new Set(included.map((f) => f.sampleRate).filter((r): r is number => !!r))].sort((a, b) => a - b);
  const pitch = included.flatMap((f) => (f.analysis?.pitch?.p5Hz && f.analysis.pitch.p95Hz ? [[f.analysis.pitch.p5Hz, f.analysis.pitch.p95Hz] as [number, number]] : []));
  return {
    included: { fileCount: included.length, totalSeconds: seconds, excludedFiles: files.length - included.length, excludedSlices },
    analysed: files.filter((f) => f.analysis).length,
    flagCounts,
    datasetFlags: files.length ? datasetFlags({ usableSeconds: seconds, sampleRates: rates, ...(pitch.length ? { pitchP5P95: pitch } : {}) }) : [],
  };
}

/** The dataset card of an experiment's ready files (in the API's shape). */
export function cardOf(ready: AudioFileJson[], excludedSlices: number) {
  return datasetCard(
    ready.map((f) => ({
      id: f.id,
      originalName: f.name,
      durationSec: f.durationSec,
      sampleRate: f.sampleRate,
      stats: f.stats,
      excluded: f.excluded,
      analysis: f.analysis,
    })),
    excludedSlices,
  );
}
