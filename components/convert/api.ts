/** Calls to the conversions API from the browser; each throws the API's own error message. */
import type { ConversionParams } from "@/lib/conversion-params";
import { callApi } from "../api-client";
import type { Batch, Conversion, ModelSummary } from "./types";

export const listModels = () => callApi<{ models: ModelSummary[] }>("/api/models").then((b) => b.models);

export const listConversions = (limit = 20) =>
  callApi<{ conversions: Conversion[] }>(`/api/conversions?limit=${limit}`).then((b) => b.conversions);

export const getConversion = (id: string) => callApi<Conversion>(`/api/conversions/${id}`);

export const deleteConversion = (id: string) => callApi<void>(`/api/conversions/${id}`, { method: "DELETE" });

/**
 * Multipart, not JSON: the clip goes up in the same request. callApi is not used because it forces a JSON
 * content type, which would break the multipart boundary.
 */
export async function startConversion(audio: File, modelId: string, params: Record<keyof ConversionParams, string>) {
  const form = new FormData();
  form.append("audio", audio, audio.name);
  form.append("modelId", modelId);
  for (const [name, value] of Object.entries(params)) form.append(name, value);
  const res = await fetch("/api/conversions", { method: "POST", body: form });
  const body = (await res.json().catch(() => null)) as { conversion?: Conversion; error?: { message?: string } } | null;
  if (!res.ok || !body?.conversion) throw new Error(body?.error?.message ?? `Conversion request failed with HTTP ${res.status}`);
  return body.conversion;
}

export const getBatch = (id: string) => callApi<Batch>(`/api/conversions/batch/${id}`);

/**
 * Several clips (or one .zip) in one multipart request → a batch. It carries an Idempotency-Key made once per
 * submission, so a resent request (a retry after a dropped connection) cannot create the batch twice.
 */
export async function startBatch(files: File[], modelId: string, params: Record<keyof ConversionParams, string>, key: string) {
  const form = new FormData();
  const zip = files.length === 1 && /\.zip$/i.test(files[0]!.name);
  for (const f of files) form.append(zip ? "zip" : "audio", f, f.name);
  form.append("modelId", modelId);
  for (const [name, value] of Object.entries(params)) form.append(name, value);
  const res = await fetch("/api/conversions/batch", { method: "POST", body: form, headers: { "idempotency-key": key } });
  const body = (await res.json().catch(() => null)) as (Batch & { error?: { message?: string } }) | null;
  if (!res.ok || !body?.id) throw new Error(body?.error?.message ?? `Batch request failed with HTTP ${res.status}`);
  return body as Batch;
}
