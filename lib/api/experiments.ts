/** Specs of the experiment routes (app/api/experiments/**). */
import { z } from "zod";
import {
  AudioFile,
  CreateExperimentBody,
  EmptyBody,
  Experiment,
  ExperimentDetail,
  ExperimentListItem,
  ExperimentName,
  ExperimentPatchBody,
  ExtractBody,
  FileList,
  Job,
  JobAccepted,
  PathId,
  TrainOptionsBody,
  ValidationReport,
} from "./common";
import { AudioQuery } from "./dataset";
import { ANY_AUDIO, header, LAST_EVENT_ID_HEADER, partialContent, RANGE_HEADER, RANGE_NOT_SATISFIABLE, SSE_RESPONSE } from "./fragments";
import { BODY_CODES, DB_DOWN, defineRoute, err, INTERNAL, noContent, ok, QUEUE_DOWN, type ResponseSpec } from "./spec";

const NameParams = z.strictObject({ name: ExperimentName.meta({ description: "experiment name" }) });
const FileParams = z.strictObject({ name: ExperimentName, id: PathId.meta({ description: "file id" }) });
const EXPERIMENT_FIELD_CODES = ["invalid_name", "invalid_sampleRate", "invalid_f0Method", "invalid_version", "unknown_field"] as const;
const TRAIN_CODES = [
  ...BODY_CODES,
  "unknown_field",
  "invalid_epochs",
  "invalid_batchSize",
  "invalid_saveEvery",
  "invalid_moreEpochs",
  "invalid_saveLatestOnly",
  "invalid_precision",
  "invalid_pretrained",
  "invalid_gpus",
  "invalid_heldOut",
  "invalid_earlyStopPatience",
  "invalid_probe",
] as const;

/** The experiment path parameter is checked first: 400 invalid_name; then 404 experiment_not_found. */
const badName = (extra: readonly string[] = []) =>
  err("Bad input; a path name that breaks the experiment name rule is refused the same way", ["invalid_name", ...extra]);
const noExperiment = err("No experiment with that name", ["experiment_not_found"]);

/** Responses of the routes that queue a job for an experiment (one active job per experiment and kind). */
const enqueueResponses = <R extends ResponseSpec>(success: R, badRequestCodes: readonly string[], conflictCodes: readonly string[] = []) => ({
  202: success,
  400: badName(badRequestCodes),
  404: noExperiment,
  409: err(
    `A job of this kind is already queued or running for the experiment; \`details.job\` is that job` +
      (conflictCodes.includes("no_audio") ? "; `no_audio`: the experiment has no audio file yet (upload first)" : "") +
      (conflictCodes.includes("separation_pending")
        ? "; `separation_pending`: the vocals of some files are being isolated (`details.files`), and preprocess would read their mix: wait for those separate jobs or cancel them"
        : "") +
      (conflictCodes.includes("stale_stage") ? "; `stale_stage`: a stage it reads is out of date after a settings change (the message names the stage to re-run)" : ""),
    ["job_active", ...conflictCodes],
  ),
  500: INTERNAL,
  503: QUEUE_DOWN,
});
const jobAccepted = ok("Queued", JobAccepted);
const UNKNOWN_PROBE = err("`probe` names no slice (and no uploaded file) of the experiment; `details.examples` lists some slice names", ["unknown_probe"]);

export const listExperiments = defineRoute({
  method: "GET",
  path: "/api/experiments",
  operationId: "listExperiments",
  access: "viewer",
  tags: ["experiments"],
  summary: "All experiments, newest first, with file count and total duration",
  responses: { 200: ok("The experiments", z.strictObject({ experiments: z.array(ExperimentListItem) })), 500: INTERNAL, 503: DB_DOWN },
});

export const createExperiment = defineRoute({
  method: "POST",
  path: "/api/experiments",
  operationId: "createExperiment",
  access: "member",
  tags: ["experiments"],
  summary: "Create an experiment",
  body: CreateExperimentBody,
  bodyRequired: true,
  responses: {
    201: ok("Created", Experiment),
    400: err("Bad input", [...BODY_CODES, ...EXPERIMENT_FIELD_CODES]),
    409: err("An experiment with that name exists", ["experiment_exists"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getExperiment = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}",
  operationId: "getExperiment",
  access: "viewer",
  tags: ["experiments"],
  summary: "One experiment with its files, jobs and models (in the shapes of their own endpoints)",
  params: NameParams,
  responses: { 200: ok("The experiment", ExperimentDetail), 400: badName(), 404: noExperiment, 500: INTERNAL, 503: DB_DOWN },
});

const ExperimentChanged = Experiment.extend({
  filesToSeparate: z.int().meta({
    description: "ready files whose vocals are not isolated yet (no stems, no separation queued): what POST …/separate would queue (\"Isolate vocals in N files\")",
  }),
}).meta({ id: "ExperimentChanged" });

export const updateExperiment = defineRoute({
  method: "PATCH",
  path: "/api/experiments/{name}",
  operationId: "updateExperiment",
  access: "member",
  tags: ["experiments"],
  summary: "Change settings or rename",
  description:
    "Queued or running separate jobs do not block a settings change (they do not depend on the settings); they block a rename, which moves the uploads folder they write to.",
  params: NameParams,
  body: ExperimentPatchBody,
  bodyRequired: true,
  responses: {
    200: ok("Changed", ExperimentChanged),
    400: err("Bad input", [...BODY_CODES, ...EXPERIMENT_FIELD_CODES, "invalid_isolateVocals", "empty_patch"]),
    404: noExperiment,
    409: err("A job of the experiment is queued or running, or the new name is taken", ["experiment_busy", "experiment_exists"]),
    500: INTERNAL,
    503: err("Turning `isolateVocals` on without the separation model file (`details.path`; fix: `npm run assets`), or the database is down", [
      "separation_model_missing",
      "database_unavailable",
    ]),
  },
});

export const deleteExperiment = defineRoute({
  method: "DELETE",
  path: "/api/experiments/{name}",
  operationId: "deleteExperiment",
  access: "member",
  tags: ["experiments"],
  summary: "Delete the experiment, its uploads and working files (its finished models stay)",
  params: NameParams,
  responses: {
    204: noContent("Deleted"),
    400: badName(),
    404: noExperiment,
    409: err("A job of the experiment is queued or running", ["experiment_busy"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const streamExperimentEvents = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/events",
  operationId: "streamExperimentEvents",
  access: "viewer",
  tags: ["experiments", "jobs"],
  summary: "Live events of all the experiment's jobs (SSE)",
  params: NameParams,
  query: z.strictObject({
    lastEventId: z.string().optional().meta({ description: "the same as the Last-Event-ID header, for clients that cannot set headers (the header wins)" }),
  }),
  parameters: [LAST_EVENT_ID_HEADER],
  responses: { 200: SSE_RESPONSE, 400: badName(["invalid_last_event_id"]), 404: noExperiment, 500: INTERNAL, 503: DB_DOWN },
});

export const listExperimentFiles = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/files",
  operationId: "listExperimentFiles",
  access: "viewer",
  tags: ["experiments", "uploads"],
  summary: "Uploaded files and the dataset card",
  params: NameParams,
  responses: { 200: ok("Files (oldest first) and the card", FileList), 400: badName(), 404: noExperiment, 500: INTERNAL, 503: DB_DOWN },
});

export const deleteExperimentFile = defineRoute({
  method: "DELETE",
  path: "/api/experiments/{name}/files/{id}",
  operationId: "deleteExperimentFile",
  access: "member",
  tags: ["experiments", "uploads"],
  summary: "Remove one uploaded file",
  params: FileParams,
  responses: {
    204: noContent("Removed"),
    400: badName(),
    404: err("No such file in this experiment, or no such experiment", ["file_not_found", "experiment_not_found"]),
    409: err("A job of the experiment is queued or running", ["experiment_busy"]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getExperimentFileAudio = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/files/{id}/audio",
  operationId: "getExperimentFileAudio",
  access: "viewer",
  tags: ["experiments", "uploads"],
  summary: "The stored audio, for playback (one byte range supported); or its first seconds, cleaned or not, for a before/after",
  params: FileParams,
  query: AudioQuery,
  parameters: [RANGE_HEADER],
  errorCodes: { seconds: { "*": "invalid_seconds" }, cleaned: { "*": "invalid_cleaned" } },
  responses: {
    200: {
      description: "The whole file (its type follows its extension); with `seconds` or `cleaned=1`, the first ≤ 10 s as a 16-bit WAV rendered on demand (`x-cleaning`: the cleaning applied)",
      headers: { "Accept-Ranges": header("`bytes`", { type: "string" }, true), "Content-Length": header("bytes") },
      content: ANY_AUDIO,
    },
    206: partialContent(ANY_AUDIO),
    400: badName(["invalid_seconds", "invalid_cleaned", "unknown_field"]),
    404: err("No such file, or its stored copy is missing", ["file_not_found", "file_missing"]),
    422: err("The stored audio cannot be decoded (with `seconds` or `cleaned`)", ["undecodable"]),
    416: RANGE_NOT_SATISFIABLE,
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const preprocessExperiment = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/preprocess",
  operationId: "preprocessExperiment",
  access: "member",
  tags: ["experiments", "jobs"],
  summary: "Queue the preprocess job (slice, resample: 0_gt_wavs, 1_16k_wavs)",
  params: NameParams,
  body: EmptyBody,
  responses: enqueueResponses(jobAccepted, [...BODY_CODES, "unknown_field"], ["no_audio", "separation_pending"]),
});

export const extractExperiment = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/extract",
  operationId: "extractExperiment",
  access: "member",
  tags: ["experiments", "jobs"],
  summary: "Queue the extract job (pitch and content features)",
  params: NameParams,
  body: ExtractBody,
  responses: enqueueResponses(jobAccepted, [...BODY_CODES, "invalid_f0Method", "unknown_field"], ["stale_stage"]),
});

export const trainExperiment = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/train",
  operationId: "trainExperiment",
  access: "member",
  tags: ["experiments", "jobs"],
  summary: "Queue the train job (ends by building the index)",
  params: NameParams,
  body: TrainOptionsBody,
  // 202 restated after the spread: a spread turns the numeric keys into strings, and `reply` is typed by them
  responses: { ...enqueueResponses(jobAccepted, TRAIN_CODES, ["model_name_taken", "stale_stage"]), 202: jobAccepted, 422: UNKNOWN_PROBE },
});

const pipelineQueued = ok(
  "Queued: `jobs` holds the job queued now (the first stage); the later stages are in its params.then and are queued as each stage succeeds",
  z.strictObject({ jobs: z.array(Job).min(1) }),
);

export const runExperimentPipeline = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/pipeline",
  operationId: "runExperimentPipeline",
  access: "member",
  tags: ["experiments", "jobs"],
  summary: "preprocess → extract → train (→ index): queues the first stage; each stage queues the next on success",
  params: NameParams,
  body: TrainOptionsBody,
  responses: { ...enqueueResponses(pipelineQueued, TRAIN_CODES, ["model_name_taken", "no_audio", "separation_pending"]), 202: pipelineQueued, 422: UNKNOWN_PROBE },
});

export const indexExperiment = defineRoute({
  method: "POST",
  path: "/api/experiments/{name}/index",
  operationId: "indexExperiment",
  access: "member",
  tags: ["experiments", "jobs"],
  summary: "Queue a rebuild of the model's FAISS index from the experiment's features",
  params: NameParams,
  body: EmptyBody,
  responses: enqueueResponses(jobAccepted, [...BODY_CODES, "unknown_field"], ["stale_stage"]),
});

export const validateExperiment = defineRoute({
  method: "GET",
  path: "/api/experiments/{name}/validate",
  operationId: "validateExperiment",
  access: "viewer",
  tags: ["experiments"],
  summary: "Is the experiment folder a complete RVC training set?",
  params: NameParams,
  responses: { 200: ok("The report", ValidationReport), 400: badName(), 404: noExperiment, 500: INTERNAL, 503: DB_DOWN },
});

export type { AudioFile };
