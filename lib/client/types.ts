/**
 * The shapes the client sends and receives: the API's own types from `lib/api` (zod schemas' inferred types;
 * type-only imports, so the client loads no schema or server code), plus the few the client adds.
 */
import type { Job } from "../api";

export type {
  AudioFile,
  Conversion,
  ConversionAccepted,
  CoverMix,
  ErrorBody,
  Experiment,
  ExperimentDetail,
  ExperimentListItem,
  Job,
  JobEvent,
  JobRef,
  Model,
  UploadResult,
} from "../api";
/** POST /api/experiments (missing settings take the server's defaults) */
export type { CreateExperimentBody as CreateExperiment } from "../api";
/** POST …/pipeline and …/train (all optional) */
export type { TrainOptionsBody as TrainOptions } from "../api";
import type { ConversionParams as AllConversionParams } from "../api";

export type JobStatus = Job["status"];
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];

/** the settings of a new conversion: each optional (upstream's default when missing) */
export type ConversionParams = Partial<AllConversionParams>;

/** what `GET /api/models/{id}/download?file=` serves */
export type ModelFileKind = "pth" | "index" | "onnx" | "zip";
