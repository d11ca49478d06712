/**
 * Training options (api.md `POST /api/experiments/{name}/train`): validation shared by the API, the UI
 * and the train job. Pure. Every failure names the field and the rule.
 */
import { badRequest, refuseUnknownFields } from "./errors";

export const PRECISIONS = ["auto", "fp32", "fp16", "bf16"] as const;
export type Precision = (typeof PRECISIONS)[number];

export type PretrainedChoice = "default" | "none" | { g: string; d: string };

export interface TrainOptions {
  /** total epochs the model should have when this job ends */
  epochs: number;
  batchSize: number;
  saveEvery: number;
  saveLatestOnly: boolean;
  pretrained: PretrainedChoice;
  precision: Precision;
  /** GPU ids; empty = the trainer's choice (first GPU, or CPU) */
  gpus: number[];
  /** train this many epochs beyond what the checkpoints hold (overrides `epochs`) */
  moreEpochs?: number;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  epochs: 20,
  batchSize: 4,
  saveEvery: 5,
  saveLatestOnly: false,
  pretrained: "default",
  precision: "auto",
  gpus: [],
};

const FIELDS = new Set(["epochs", "batchSize", "saveEvery", "saveLatestOnly", "pretrained", "precision", "gpus", "moreEpochs"]);

function int(body: Record<string, unknown>, field: string, min: number, max: number, fallback: number): number {
  const v = body[field];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw badRequest(`invalid_${field}`, `${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`, { field });
  }
  return v;
}

const SAFE_FILE = /^[A-Za-z0-9._-]{1,128}\.pth$/;

export function parseTrainOptions(body: Record<string, unknown>): TrainOptions {
  refuseUnknownFields(body, FIELDS);
  const epochs = int(body, "epochs", 1, 10_000, TRAIN_DEFAULTS.epochs);
  const saveEvery = int(body, "saveEvery", 1, 10_000, Math.min(TRAIN_DEFAULTS.saveEvery, epochs));
  const batchSize = int(body, "batchSize", 1, 256, TRAIN_DEFAULTS.batchSize);
  const moreEpochs = body.moreEpochs === undefined ? undefined : int(body, "moreEpochs", 1, 10_000, 1);
  const saveLatestOnly = body.saveLatestOnly ?? TRAIN_DEFAULTS.saveLatestOnly;
  if (typeof saveLatestOnly !== "boolean") throw badRequest("invalid_saveLatestOnly", "saveLatestOnly must be true or false", { field: "saveLatestOnly" });
  const precision = body.precision ?? TRAIN_DEFAULTS.precision;
  if (!(PRECISIONS as readonly unknown[]).includes(precision)) {
    throw badRequest("invalid_precision", `precision must be one of ${PRECISIONS.join(", ")}`, { field: "precision" });
  }
  let pretrained: PretrainedChoice = TRAIN_DEFAULTS.pretrained;
  const p = body.pretrained;
  if (p === "default" || p === "none") pretrained = p;
  else if (p !== undefined) {
    const o = p as { g?: unknown; d?: unknown };
    if (typeof p !== "object" || p === null || typeof o.g !== "string" || typeof o.d !== "string" || !SAFE_FILE.test(o.g) || !SAFE_FILE.test(o.d)) {
      throw badRequest(
        "invalid_pretrained",
        'pretrained must be "default", "none" or {"g": "<file>.pth", "d": "<file>.pth"} naming files in the custom pretrained folder',
        { field: "pretrained" },
      );
    }
    pretrained = { g: o.g, d: o.d };
  }
  const gpus = body.gpus ?? [];
  if (!Array.isArray(gpus) || gpus.some((g) => typeof g !== "number" || !Number.isInteger(g) || g < 0 || g > 63) || new Set(gpus).size !== gpus.length) {
    throw badRequest("invalid_gpus", "gpus must be a list of distinct GPU ids, e.g. [0, 1]", { field: "gpus" });
  }
  return { epochs, batchSize, saveEvery, saveLatestOnly, pretrained, precision: precision as Precision, gpus: gpus as number[], ...(moreEpochs ? { moreEpochs } : {}) };
}
