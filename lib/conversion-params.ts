/**
 * Conversion settings (rvc-formats §9.3): names, upstream's defaults, ranges and one-line explanations, shared by the
 * API (the zod schemas in lib/api/common.ts are built from them), the worker (the convert job) and the UI (form
 * fields). Pure: no I/O.
 */
import { F0_METHODS, type F0Method } from "./experiment-rules";

export interface ConversionParams {
  /** transpose in semitones (upstream's f0_up_key) */
  pitch: number;
  /** 0 … 1: share of features taken from the model's index (retrieval) */
  indexRate: number;
  f0Method: F0Method;
  /** 0 … 0.5: how much of the index blend unvoiced frames keep; 0.5 turns protection off */
  protect: number;
  /** 0 … 7: ≥ 3 median-filters the weight-free pitch track (kernel 3, as upstream does for harvest) */
  filterRadius: number;
  /** 0 … 1: 1 keeps the output's own loudness envelope, 0 imposes the input's */
  rmsMixRate: number;
}

export interface NumberField {
  kind: "number";
  min: number;
  max: number;
  step: number;
  integer?: boolean;
  label: string;
  help: string;
}
export interface ChoiceField {
  kind: "choice";
  choices: readonly string[];
  label: string;
  help: string;
}

/** shortest input a conversion accepts (the API refuses shorter ones; the convert job checks again) */
export const MIN_CONVERSION_SECONDS = 0.5;

/** upstream's single-conversion defaults (rvc-formats §9.3) */
export const CONVERSION_DEFAULTS: ConversionParams = {
  pitch: 0,
  indexRate: 0.75,
  f0Method: "rmvpe",
  protect: 0.33,
  filterRadius: 3,
  rmsMixRate: 0.25,
};

export const CONVERSION_FIELDS: Record<keyof ConversionParams, NumberField | ChoiceField> = {
  pitch: {
    kind: "number", min: -24, max: 24, step: 1, integer: true, label: "Pitch shift (semitones)",
    help: "Transpose the voice: +12 is an octave up (male → female often +12), −12 an octave down.",
  },
  indexRate: {
    kind: "number", min: 0, max: 1, step: 0.05, label: "Index rate",
    help: "How much of the timbre comes from the model's feature index; lower it if the output sounds muffled or metallic.",
  },
  f0Method: {
    kind: "choice", choices: F0_METHODS, label: "Pitch method",
    help: "rmvpe: the RMVPE model (best, needs `npm run assets`); yin: weight-free estimator, works without downloads.",
  },
  protect: {
    kind: "number", min: 0, max: 0.5, step: 0.01, label: "Protect consonants",
    help: "Keeps breaths and voiceless consonants from the original features; 0.5 turns it off, lower protects more.",
  },
  filterRadius: {
    kind: "number", min: 0, max: 7, step: 1, integer: true, label: "Filter radius",
    help: "3 or more median-filters the yin pitch track to remove octave jumps (rmvpe is not filtered).",
  },
  rmsMixRate: {
    kind: "number", min: 0, max: 1, step: 0.05, label: "Volume envelope mix",
    help: "1 keeps the converted voice's own loudness; 0 follows the loudness of your recording.",
  },
};

export const CONVERSION_PARAM_NAMES = Object.keys(CONVERSION_FIELDS) as (keyof ConversionParams)[];
