/** Specs of the checkpoint routes (app/api/experiments/[name]/checkpoints/**), issue 15. */
import { z } from "zod";
import { ExperimentName, JobAccepted } from "./common";
import { FILE_HEADERS, partialContent, RANGE_HEADER, RANGE_NOT_SATISFIABLE, WAV } from "./fragments";
import { DB_DOWN, defineRoute, err, INTERNAL, ok, QUEUE_DOWN } from "./spec";

const NameParams = z.strictObject({ name: ExperimentName.meta({ description: "experiment name" }) });
const EPOCH_RULE = "must be a whole number from 1 to 100000";
const EpochParams = z.strictObject({
  name: ExperimentName.meta({ description: "experiment name" }),
  epoch: z.coerce
    .number({ error: EPOCH_RULE })
    .int({ error: EPOCH_RULE })
    .min(1, { error: EPOCH_RULE })
    .max(100_000, { error: EPOCH_RULE })
    .meta({ type: "integer", description: "the checkpoint's epoch" }),
});
const noExperiment = err("No experiment with that name", ["experiment_not_found"]);

export const Checkpoint = z
  .strictObject({
    epoch: z.int(),
    step: z.int().optional(),
    trainLoss: z.record(z.string(), z.number()).meta({ description: "the epoch's mean training losses (mel, kl, gen, disc, fm, …)" }),
    validation: z
      .strictObject({
        mel: z.number().meta({ description: "mel-spectrogram L1 on the held-out clips, scaled by c_mel like the training's mel loss" }),
        stft: z.number().meta({ description: "multi-resolution STFT distance (spectral convergence + log magnitude, 3 resolutions)" }),
        clips: z.int().optional(),
        preview: z.string().optional().meta({ description: "the preview file, relative to the experiment folder" }),
      })
      .nullable()
      .meta({ description: "null: no held-out clips, or a checkpoint saved on a stop request" }),
    createdAt: z.string().nullable(),
    available: z.boolean().meta({ description: "the checkpoint file is on disk (publishable); false once replaced or pruned" }),
    published: z.boolean().meta({ description: "the experiment's model is this epoch" }),
    preview: z.string().nullable().meta({ description: "URL of the listening preview (the probe clip — the first held-out clip unless the training named one — through this checkpoint's generator, at most 10 s), or null" }),
    peaks: z.array(z.number()).nullable().meta({ description: "the preview's waveform: the peak |sample| (0–1) of each of up to 48 equal parts; null without a preview" }),
    abWins: z.int().meta({ description: "blind A/B tests this epoch won (…/listening-tests)" }),
    abLosses: z.int().meta({ description: "blind A/B tests this epoch lost" }),
  })
  .meta({ id: "Checkpoint" });

export const CheckpointList = z
  .strictObject({
    checkpoints: z.array(Checkpoint),
    recommended: z
      .strictObject({ epoch: z.int(), reason: z.string() })
      .nullable()
      .meta({ description: "the publishable checkpoint with the lowest validation mel L1; null without validation" }),
    heldOut: z.array(z.string()).meta({ description: "the held-out clips (slice names), never trained on" }),
    probe: z.string().nullable().meta({ description: "the slice the previews render (the training's `probe` option); null: the first held-out clip" }),
  })
  .meta({ id: "CheckpointList" });

export const listCheckpoints = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/checkpoints",
  operationId: "listCheckpoints",
  access: "viewer",
  tags: ["experiments"],
  summary: "The training's checkpoints with train and validation losses, the recommended epoch and the held-out clips",
  params: NameParams,
  responses: {
    200: ok("The timeline, oldest first", CheckpointList),
    400: err("Bad experiment name", ["invalid_name"]),
    404: noExperiment,
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const publishCheckpoint = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/checkpoints/{epoch}/publish",
  operationId: "publishCheckpoint",
  access: "member",
  tags: ["experiments", "jobs", "models"],
  summary: "Queue the publish job: the checkpoint of this epoch becomes the model (small .pth, ONNX, index); also after a cancelled or failed training",
  params: EpochParams,
  responses: {
    202: ok("Queued", JobAccepted),
    400: err("Bad experiment name or epoch", ["invalid_name", "invalid_epoch"]),
    404: err("No experiment with that name, or no checkpoint of that epoch on disk (`details.available` lists those that are)", ["experiment_not_found", "checkpoint_not_found"]),
    409: err("A train or publish job is already queued or running for the experiment (`details.job`), or a model of that name is not this experiment's", ["job_active", "model_name_taken", "no_config"]),
    500: INTERNAL,
    503: QUEUE_DOWN,
  },
});

export const getCheckpointPreview = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/checkpoints/{epoch}/preview",
  operationId: "getCheckpointPreview",
  access: "viewer",
  tags: ["experiments"],
  summary: "The listening preview of a checkpoint: the first held-out clip rendered by its generator (wav at the model's rate, at most 10 s; one byte range supported)",
  params: EpochParams,
  parameters: [RANGE_HEADER],
  responses: {
    200: { description: "The wav", headers: FILE_HEADERS, content: WAV },
    206: partialContent(WAV),
    400: err("Bad experiment name or epoch", ["invalid_name", "invalid_epoch"]),
    404: err("No experiment with that name, or no preview for that epoch", ["experiment_not_found", "preview_not_found"]),
    416: RANGE_NOT_SATISFIABLE,
    500: INTERNAL,
    503: DB_DOWN,
  },
});
