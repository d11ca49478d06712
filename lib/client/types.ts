/**
 * The API's request and response shapes as the client sees them (JSON: dates are ISO strings). A small stand-in
 * until the zod schemas of `lib/api/` exist; `GET /api/openapi.json` is the full contract.
 */

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];

export interface Experiment {
  id: string;
  name: string;
  sampleRate: number;
  f0Method: string;
  version: string;
  createdAt: string;
  fileCount?: number;
  totalSeconds?: number;
}

export interface CreateExperiment {
  name: string;
  sampleRate?: number;
  f0Method?: string;
  version?: string;
}

export interface Job {
  id: string;
  kind: string;
  experiment?: string;
  experimentId: string | null;
  status: JobStatus;
  progress: number;
  stage: string | null;
  etaSeconds: number | null;
  params: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** One server-sent event of a job (`GET /api/jobs/{id}/events`); `kind` is the SSE event name. */
export interface JobEvent {
  id: string;
  jobId: string;
  kind: "status" | "progress" | "log" | "metric";
  level: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
  at: string;
}

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  saveEvery?: number;
  saveLatestOnly?: boolean;
  pretrained?: "default" | "none" | { g: string; d: string };
  precision?: "auto" | "fp32" | "fp16" | "bf16";
  gpus?: number[];
  moreEpochs?: number;
}

export interface AudioFile {
  id: string;
  name: string;
  storedName: string;
  bytes: number;
  durationSec: number | null;
  status: string;
  sha256: string;
}

/** The body of the request that completes an upload. */
export interface UploadResult {
  files: AudioFile[];
  skipped: { name: string; reason: string }[];
}

export type ModelFileKind = "pth" | "index" | "onnx" | "zip";

export interface Model {
  id: string;
  name: string;
  experiment: string | null;
  sampleRate: number;
  version: string;
  f0: boolean;
  epochs: number | null;
  datasetSeconds: number | null;
  files: { kind: string; name: string; bytes: number }[];
  sizeBytes: number;
  source: string;
  createdAt: string;
}

export interface ConversionParams {
  pitch?: number;
  indexRate?: number;
  f0Method?: string;
  protect?: number;
  filterRadius?: number;
  rmsMixRate?: number;
}

export interface Conversion {
  id: string;
  modelId: string | null;
  model: { id: string; name: string; sampleRate: number } | null;
  inputName: string;
  inputSeconds: number | null;
  params: ConversionParams;
  status: JobStatus;
  progress: number;
  stage: string | null;
  error: string | null;
  jobId: string | null;
  createdAt: string;
  finishedAt: string | null;
  audioUrl: string | null;
  sampleRate: number | null;
  outputSeconds: number | null;
}

/** The API's error shape: `{"error": {"code", "message", "details"?, "requestId"?}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId?: string };
}
