/**
 * The shapes the conversion UI reads from the API (api.md). Declared here rather than imported from lib/ because
 * the server modules pull in Prisma, which must not reach the browser bundle.
 */
import type { ConversionParams } from "@/lib/conversion-params";

export type ConversionStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface Conversion {
  id: string;
  modelId: string | null;
  model: { id: string; name: string; sampleRate: number } | null;
  inputName: string;
  inputSeconds: number | null;
  params: ConversionParams;
  status: ConversionStatus;
  progress: number | null;
  stage: string | null;
  error: string | null;
  jobId: string | null;
  createdAt: string;
  finishedAt: string | null;
  inputUrl: string;
  audioUrl: string | null;
  sampleRate: number | null;
  outputSeconds: number | null;
}

export interface ModelSummary {
  id: string;
  name: string;
  sampleRate: number;
  version: string;
  f0: boolean;
  files: { kind: string; name: string; bytes: number }[];
}

export const ACTIVE_STATUSES: readonly ConversionStatus[] = ["queued", "running"];

export const isActive = (c: Pick<Conversion, "status">) => ACTIVE_STATUSES.includes(c.status);

export type BatchStatus = "queued" | "running" | "succeeded" | "partial" | "failed";

/** GET /api/conversions/batch/{id} (api.md "Batch conversion") */
export interface Batch {
  id: string;
  modelId: string | null;
  model: { id: string; name: string } | null;
  status: BatchStatus;
  total: number;
  done: number;
  failed: number;
  progress: number;
  skipped: { name: string; reason: string }[];
  createdAt: string;
  finishedAt: string | null;
  downloadUrl: string;
  conversions: Conversion[];
}

export const isBatchActive = (b: Pick<Batch, "status">) => b.status === "queued" || b.status === "running";
