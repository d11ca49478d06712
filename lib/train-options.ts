/**
 * Training options (api.md `POST /api/experiments/{name}/train`): the names, defaults and types shared by the API,
 * the UI and the train job. Pure. The rules themselves are the zod schema `TrainOptionsBody` (lib/api/common.ts);
 * `parseTrainOptions` (lib/api/train.ts) applies them.
 */

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
  /** share of the slices held out for validation (0 = none); at least 2 and at most 20 clips (worker/train/filelist.ts) */
  heldOut: number;
  /** stop when validation has not improved for this many checkpoints (0 = off; needs held-out clips) */
  earlyStopPatience: number;
  /** the clip each checkpoint renders as its preview: a slice name or an uploaded file's id (lib/train-probe.ts); default: the first held-out clip */
  probe?: string;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  epochs: 20,
  batchSize: 4,
  saveEvery: 5,
  saveLatestOnly: false,
  pretrained: "default",
  precision: "auto",
  gpus: [],
  heldOut: 0.05,
  earlyStopPatience: 0,
};
