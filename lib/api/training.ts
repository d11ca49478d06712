/** Spec of the training history route (app/api/experiments/[name]/training/series), issue 15. */
import { z } from "zod";
import { ExperimentName } from "./common";
import { DB_DOWN, defineRoute, err, INTERNAL, ok } from "./spec";

const NameParams = z.strictObject({ name: ExperimentName.meta({ description: "experiment name" }) });
const POINTS_RULE = { error: "must be a whole number from 2 to 2000" };
const SMOOTHING_RULE = { error: "must be a number from 0 to 0.9999" };
const Num = z.number().nullable();

const Bucketed = z
  .strictObject({
    mean: z.array(Num).meta({ description: "mean of the bucket's steps (null: no finite value)" }),
    min: z.array(Num),
    max: z.array(Num).meta({ description: "min and max of the bucket's steps: a one-step spike stays visible" }),
    smooth: z.array(Num).meta({ description: "exponential moving average over the raw steps, at the bucket's last step" }),
  })
  .meta({ id: "TrainingBucketSeries" });

export const TrainingSeries = z
  .strictObject({
    steps: z.strictObject({
      count: z.int().meta({ description: "steps in the whole history (every continue)" }),
      points: z.int().meta({ description: "buckets per series (≤ the `points` asked for)" }),
      smoothing: z.number().meta({ description: "the EMA weight used for `smooth` (bias-corrected, as TensorBoard's)" }),
      from: z.array(z.int()).meta({ description: "each bucket's first step" }),
      to: z.array(z.int()).meta({ description: "each bucket's last step" }),
      epoch: z.array(z.int()).meta({ description: "the epoch of each bucket's last step" }),
      series: z.record(z.string(), Bucketed).meta({ description: "per loss (mel, kl, gen, disc, fm, g_total, grad_norm_g, grad_norm_d)" }),
    }),
    epochs: z
      .strictObject({
        epoch: z.array(z.int()),
        step: z.array(z.int()).meta({ description: "the epoch's last step (0 where unknown)" }),
        series: z.record(z.string(), z.array(Num)),
      })
      .meta({ description: "per epoch, the mean of its steps' losses" }),
    validation: z
      .strictObject({
        epoch: z.array(z.int()),
        step: z.array(z.int().nullable()),
        mel: z.array(z.number()).meta({ description: "mel-spectrogram L1 on the held-out clips (scaled by c_mel like the training's mel loss)" }),
        stft: z.array(z.number()).meta({ description: "multi-resolution STFT distance on the held-out clips" }),
      })
      .meta({ description: "per validated checkpoint (metrics.json), oldest first" }),
  })
  .meta({ id: "TrainingSeries" });

export const getTrainingSeries = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/training/series",
  operationId: "getTrainingSeries",
  access: "viewer",
  tags: ["experiments"],
  summary: "The training's per-step losses downsampled to at most `points` buckets per series (mean, min, max, smoothed), per-epoch means and per-epoch validation, over the whole history",
  params: NameParams,
  query: z.strictObject({
    points: z.coerce.number(POINTS_RULE).int(POINTS_RULE).min(2, POINTS_RULE).max(2000, POINTS_RULE).default(400).meta({ type: "integer", description: "at most this many buckets per series (default 400)" }),
    smoothing: z.coerce
      .number(SMOOTHING_RULE)
      .min(0, SMOOTHING_RULE)
      .max(0.9999, SMOOTHING_RULE)
      .optional()
      .meta({ description: "EMA weight for `smooth` (default: a span of 4 buckets' steps, at least min(20, steps/20))" }),
  }),
  responses: {
    200: ok("The series (empty arrays before the first step)", TrainingSeries),
    400: err("Bad experiment name, points or smoothing, or an unknown query parameter", ["invalid_name", "invalid_points", "invalid_smoothing", "unknown_field"]),
    404: err("No experiment with that name", ["experiment_not_found"]),
    409: err("The step file is not one the trainer wrote, or too large to read", ["step_file_unreadable", "step_file_too_large"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});
