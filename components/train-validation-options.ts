/**
 * The Train form's validation options (issue 15) as typed, and what the train request makes of them. Pure (tested
 * beside it): the held-out share in percent, early stop patience, and the probe clip (the default, an uploaded file,
 * or a slice by name).
 */
import { TRAIN_DEFAULTS } from "@/lib/train-options";

export interface ValidationInput {
  /** percent of the slices, as typed */
  heldOutPercent: string;
  /** checkpoints without improvement, as typed; empty or 0: off */
  patience: string;
  /** "" = the default (first held-out clip), "file:<id>", or "slice" (then `slice`) */
  probe: string;
  slice: string;
}

export const VALIDATION_DEFAULTS: ValidationInput = {
  heldOutPercent: String(TRAIN_DEFAULTS.heldOut * 100),
  patience: "",
  probe: "",
  slice: "",
};

export const SLICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** What is wrong with each typed field (undefined where nothing). Pure. */
export function validationErrors(v: ValidationInput): { heldOut?: string; patience?: string; slice?: string; probe?: string } {
  const out: { heldOut?: string; patience?: string; slice?: string; probe?: string } = {};
  const h = Number(v.heldOutPercent);
  if (v.heldOutPercent.trim() === "" || !Number.isFinite(h) || h < 0 || h > 50) out.heldOut = "enter a share from 0 to 50 %";
  const p = Number(v.patience);
  if (v.patience.trim() !== "" && (!Number.isInteger(p) || p < 0 || p > 1000)) out.patience = "enter a whole number of checkpoints (0–1000), or leave it empty";
  else if (p > 0 && !out.heldOut && h === 0) out.patience = "early stop needs held-out clips: set a held-out share above 0";
  if (v.probe === "slice" && !SLICE_NAME.test(v.slice.trim())) out.slice = 'enter a slice name like "0_3" (a file of 0_gt_wavs without .wav)';
  if (h === 0 && !out.heldOut && v.probe === "") out.probe = "without held-out clips there is no default preview clip: pick one, or none is rendered";
  return out;
}

/** The train request's fields, or the first error as a message. `probe` warnings do not block. Pure. */
export function validationOptions(v: ValidationInput): { heldOut: number; earlyStopPatience: number; probe?: string } {
  const e = validationErrors(v);
  const bad = e.heldOut ?? e.patience ?? e.slice;
  if (bad) throw new Error(bad);
  const probe = v.probe.startsWith("file:") ? v.probe.slice(5) : v.probe === "slice" ? v.slice.trim() : undefined;
  return { heldOut: Math.round(Number(v.heldOutPercent) * 100) / 10_000, earlyStopPatience: v.patience.trim() ? Number(v.patience) : 0, ...(probe ? { probe } : {}) };
}
