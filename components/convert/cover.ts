/**
 * Song covers on the Convert page (issue 19): the mix settings as form values, the one-click "follow the voice's
 * transpose", the one-line summary of a cover's mix, and the cover job's three steps from its events. Pure.
 */
import { COVER_DEFAULTS, COVER_FIELDS, COVER_PARAM_NAMES, type CoverMix } from "@/lib/cover-params";
import type { StageState } from "../useJobEvents";

/** Form values as typed (strings, like the conversion settings): the API validates and explains. */
export type MixValues = Record<keyof CoverMix, string>;

export const defaultMixValues = (): MixValues => Object.fromEntries(COVER_PARAM_NAMES.map((n) => [n, String(COVER_DEFAULTS[n])])) as MixValues;

/**
 * The accompaniment pitch that follows the voice's pitch shift: the same number of semitones, rounded and clamped
 * to the accompaniment's range (a voice moved +24 moves the music +12). A pitch that is not a number yet gives null.
 */
export function followTranspose(voicePitch: string): string | null {
  const n = Number(voicePitch);
  if (voicePitch.trim() === "" || !Number.isFinite(n)) return null;
  const { min, max } = COVER_FIELDS.accompanimentPitch;
  return String(Math.min(max, Math.max(min, Math.round(n))) || 0); // `|| 0`: never "-0"
}

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "0");

/**
 * One short line for the history, e.g. "vocals +2 dB · accompaniment −3 dB · accompaniment +2 st" (a no-break
 * space between each value and its unit, so a narrow column never parts them).
 */
export function summarizeCover(mix: CoverMix): string {
  const parts = [`vocals ${signed(mix.vocalsGain)}\u00a0dB`, `accompaniment ${signed(mix.accompanimentGain)}\u00a0dB`];
  if (mix.accompanimentPitch !== 0) parts.push(`accompaniment ${signed(mix.accompanimentPitch)}\u00a0st`);
  return parts.join(" · ");
}

/** The cover job's steps, as its events name them (`data.stage`). */
export const COVER_STEPS = [
  { stage: "separating", label: "Separating" },
  { stage: "converting", label: "Converting" },
  { stage: "mixing", label: "Mixing" },
] as const;

export type StepState = "waiting" | "running" | "done" | "cached" | "failed" | "cancelled";

export interface CoverStep {
  stage: string;
  label: string;
  state: StepState;
  /** percent of a running step */
  percent: number;
}

/**
 * Each step's state from the stages the events named and the job's status: cached when its event said so, done
 * once a later step started (or the job succeeded, or it reached 100 %), running while it is the newest, failed
 * or cancelled when the job ended in it, else waiting.
 */
export function coverSteps(stages: StageState[] | undefined, status: string | undefined): CoverStep[] {
  const seen = new Map((stages ?? []).map((s) => [s.name, s]));
  const ended = status === "failed" || status === "cancelled";
  return COVER_STEPS.map((step, i) => {
    const s = seen.get(step.stage);
    const later = COVER_STEPS.slice(i + 1).some((l) => seen.has(l.stage));
    const percent = Math.round(s?.percent ?? 0);
    let state: StepState;
    if (s?.cached) state = "cached";
    else if (later || status === "succeeded" || (s && percent >= 100)) state = "done";
    else if (s) state = ended ? (status as "failed" | "cancelled") : "running";
    else state = "waiting";
    return { stage: step.stage, label: step.label, state, percent };
  });
}
