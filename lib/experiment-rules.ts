/**
 * Experiment rules: names, sample rates, pitch methods, versions and defaults, shared by the API (its zod schemas in
 * lib/api/common.ts are built from them), the lib functions (checkName for names in paths) and the UI forms.
 */
import { badRequest } from "./errors";
import type { CleaningOptions } from "./dataset/analysis";

export const EXPERIMENT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const EXPERIMENT_NAME_RULE =
  "1 to 64 characters: lowercase letters, digits, '-' and '_', starting with a letter or digit";

export const SAMPLE_RATES = [32000, 40000, 48000] as const;
/** rmvpe needs the RMVPE model under ASSETS_ROOT; yin is the weight-free estimator (extract issue). */
export const F0_METHODS = ["rmvpe", "yin"] as const;
export const VERSIONS = ["v1", "v2"] as const;

export type SampleRate = (typeof SAMPLE_RATES)[number];
export type F0Method = (typeof F0_METHODS)[number];
export type Version = (typeof VERSIONS)[number];

export interface ExperimentSettings {
  sampleRate: SampleRate;
  f0Method: F0Method;
  version: Version;
}

export const DEFAULT_SETTINGS: ExperimentSettings = { sampleRate: 40000, f0Method: "rmvpe", version: "v2" };

export function checkName(name: unknown): string {
  if (name === undefined || name === null || name === "") {
    throw badRequest("invalid_name", `The experiment name is missing: give "name", ${EXPERIMENT_NAME_RULE}`, {
      field: "name",
      rule: EXPERIMENT_NAME_PATTERN.source,
    });
  }
  if (typeof name !== "string" || !EXPERIMENT_NAME_PATTERN.test(name)) {
    throw badRequest("invalid_name", `Invalid experiment name ${JSON.stringify(name)}: use ${EXPERIMENT_NAME_RULE}`, {
      field: "name",
      rule: EXPERIMENT_NAME_PATTERN.source,
    });
  }
  return name;
}

/** What PATCH /api/experiments/{name} may change (the body, parsed by its zod schema in lib/api/common.ts). */
export type ExperimentPatch = Partial<{ name: string; cleaning: CleaningOptions; isolateVocals: boolean } & ExperimentSettings>;
