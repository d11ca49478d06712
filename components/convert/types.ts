/**
 * The shapes the conversion UI reads from the API: the types inferred from the API's zod schemas (lib/api/common.ts,
 * type-only imports: nothing of the server reaches the browser bundle).
 */
import type { Conversion as ApiConversion, JobStatus, Model } from "@/lib/api/common";
import type { z } from "zod";

export type ConversionStatus = z.infer<typeof JobStatus>;

/** A conversion or a song cover (`mode: "cover"`, issue 19: its mix in `cover`, its stems' URLs in `stems`). */
export type Conversion = ApiConversion;

export const isCover = (c: Pick<Conversion, "mode">) => c.mode === "cover";

export type ModelSummary = Pick<Model, "id" | "name" | "sampleRate" | "version" | "f0" | "files">;

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
