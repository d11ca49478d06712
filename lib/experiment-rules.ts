/**
 * Validation of experiment input: pure functions, shared by the API routes and the UI forms.
 * Each failure names the field and the rule, so the message can be shown as is.
 */
import { badRequest, refuseUnknownFields } from "./errors";

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

function oneOf<T extends string | number>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw badRequest("invalid_" + field, `${field} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`, {
      field,
      allowed,
    });
  }
  return value as T;
}

const KNOWN_FIELDS = new Set(["name", "sampleRate", "f0Method", "version"]);

function rejectUnknown(body: Record<string, unknown>) {
  refuseUnknownFields(body, KNOWN_FIELDS);
}

export function parseCreate(body: Record<string, unknown>): { name: string } & ExperimentSettings {
  rejectUnknown(body);
  return {
    name: checkName(body.name),
    sampleRate: body.sampleRate === undefined ? DEFAULT_SETTINGS.sampleRate : oneOf("sampleRate", body.sampleRate, SAMPLE_RATES),
    f0Method: body.f0Method === undefined ? DEFAULT_SETTINGS.f0Method : oneOf("f0Method", body.f0Method, F0_METHODS),
    version: body.version === undefined ? DEFAULT_SETTINGS.version : oneOf("version", body.version, VERSIONS),
  };
}

export type ExperimentPatch = Partial<{ name: string } & ExperimentSettings>;

export function parsePatch(body: Record<string, unknown>): ExperimentPatch {
  rejectUnknown(body);
  const patch: ExperimentPatch = {};
  if (body.name !== undefined) patch.name = checkName(body.name);
  if (body.sampleRate !== undefined) patch.sampleRate = oneOf("sampleRate", body.sampleRate, SAMPLE_RATES);
  if (body.f0Method !== undefined) patch.f0Method = oneOf("f0Method", body.f0Method, F0_METHODS);
  if (body.version !== undefined) patch.version = oneOf("version", body.version, VERSIONS);
  if (Object.keys(patch).length === 0) {
    throw badRequest("empty_patch", `Nothing to change: send one or more of ${[...KNOWN_FIELDS].join(", ")}`);
  }
  return patch;
}
