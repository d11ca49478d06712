/**
 * Song-cover mix settings (POST /api/covers): names, defaults, ranges and one-line explanations, shared by the API
 * (zod schemas in lib/api/common.ts are built from them), the worker (worker/cover/) and the UI. Pure: no I/O.
 */
import type { NumberField } from "./conversion-params";

export interface CoverMix {
  /** dB applied to the converted vocals */
  vocalsGain: number;
  /** dB applied to the accompaniment */
  accompanimentGain: number;
  /** semitones the accompaniment is transposed by (to follow a transposed voice) */
  accompanimentPitch: number;
}

export const COVER_DEFAULTS: CoverMix = { vocalsGain: 0, accompanimentGain: 0, accompanimentPitch: 0 };

export const COVER_FIELDS: Record<keyof CoverMix, NumberField> = {
  vocalsGain: {
    kind: "number", min: -24, max: 12, step: 0.5, label: "Vocals gain (dB)",
    help: "Loudness of the converted voice in the mix: 0 keeps it as converted, −6 halves it.",
  },
  accompanimentGain: {
    kind: "number", min: -24, max: 12, step: 0.5, label: "Accompaniment gain (dB)",
    help: "Loudness of the music under the voice: 0 keeps it as separated, −6 halves it.",
  },
  accompanimentPitch: {
    kind: "number", min: -12, max: 12, step: 1, integer: true, label: "Accompaniment pitch (semitones)",
    help: "Transpose the music to follow a transposed voice (use the same value as the voice's pitch shift); 0 leaves it untouched.",
  },
};

export const COVER_PARAM_NAMES = Object.keys(COVER_FIELDS) as (keyof CoverMix)[];
