/**
 * The experiment's cleaning options (dataset doctor, issue 16) as stored (`Experiment.cleaning`, JSON) and as shown.
 * Pure: safe for the browser.
 */
import { CleaningOptions, NO_CLEANING } from "./analysis";

/** The stored value as options: anything missing or unreadable is "no cleaning". */
export function cleaningOf(stored: unknown): CleaningOptions {
  const r = CleaningOptions.safeParse(stored);
  return r.success ? r.data : NO_CLEANING;
}

/** Is any cleaning step on? */
export const cleaningOn = (o: CleaningOptions): boolean => o.normalizeLufs !== null || o.removeDc || o.trimSilenceSec !== null || o.denoise;

/**
 * One line: "off", or the steps in the order they run, e.g. "DC removal, denoise, loudness -23 LUFS, silences > 1 s
 * trimmed". Also the value a job records (lib/stage-settings.ts), so equal options give equal strings.
 */
export function describeCleaning(stored: unknown): string {
  const o = cleaningOf(stored);
  if (!cleaningOn(o)) return "off";
  const steps: string[] = [];
  if (o.removeDc) steps.push("DC removal");
  if (o.denoise) steps.push("denoise");
  if (o.normalizeLufs !== null) steps.push(`loudness ${o.normalizeLufs} LUFS`);
  if (o.trimSilenceSec !== null) steps.push(`silences > ${o.trimSilenceSec} s trimmed`);
  return steps.join(", ");
}

/** What the before/after player applies while the experiment's cleaning is off: the usual safe set. */
export const SUGGESTED_CLEANING = { normalizeLufs: -23, removeDc: true, trimSilenceSec: null, denoise: true } as const;
