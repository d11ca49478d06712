/** Calls to the conversions API from the browser; each throws the API's own error message. */
import type { ConversionParams } from "@/lib/conversion-params";
import type { CoverMix } from "@/lib/cover-params";
import { callApi } from "../api-client";
import type { Batch, Conversion, ModelSummary } from "./types";

export const listModels = () => callApi<{ models: ModelSummary[] }>("/api/models").then((b) => b.models);

export const listConversions = (limit = 20) =>
  callApi<{ conversions: Conversion[] }>(`/api/conversions?limit=${limit}`).then((b) => b.conversions);

export const getConversion = (id: string) => callApi<Conversion>(`/api/conversions/${id}`);

export const deleteConversion = (id: string) => callApi<void>(`/api/conversions/${id}`, { method: "DELETE" });

/** An API error answer with its code and details (e.g. 503 `separation_model_missing` with `details.fix`). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly details: Record<string, unknown> | null,
  ) {
    super(message);
  }
}

type ErrorAnswer = { error?: { code?: string; message?: string; details?: Record<string, unknown> } };

/**
 * Multipart, not JSON: the clip goes up in the same request. callApi is not used because it forces a JSON
 * content type, which would break the multipart boundary. Throws a RequestError with the API's own message.
 */
async function postForm<T>(url: string, form: FormData, what: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { method: "POST", body: form, headers });
  const body = (await res.json().catch(() => null)) as (T & ErrorAnswer) | null;
  if (!res.ok || !body) {
    const e = body?.error;
    throw new RequestError(e?.message ?? `${what} failed with HTTP ${res.status}`, res.status, e?.code ?? null, e?.details ?? null);
  }
  return body;
}

/** The clip(s), the model and every setting (conversion settings, a cover's mix settings) as form fields. */
function conversionForm(audio: File[], field: "audio" | "zip", modelId: string, params: Record<string, string>): FormData {
  const form = new FormData();
  for (const f of audio) form.append(field, f, f.name);
  form.append("modelId", modelId);
  for (const [name, value] of Object.entries(params)) form.append(name, value);
  return form;
}

export async function startConversion(audio: File, modelId: string, params: Record<keyof ConversionParams, string>) {
  const body = await postForm<{ conversion?: Conversion }>("/api/conversions", conversionForm([audio], "audio", modelId, params), "Conversion request");
  if (!body.conversion) throw new Error("The conversion request was answered without a conversion");
  return body.conversion;
}

/**
 * A song cover (POST /api/covers): the conversion settings plus the mix settings. A missing separation model is
 * a RequestError with code `separation_model_missing` (its message names the file, `details.fix` the command).
 */
export async function startCover(audio: File, modelId: string, params: Record<keyof ConversionParams, string>, mix: Record<keyof CoverMix, string>) {
  const body = await postForm<{ conversion?: Conversion }>("/api/covers", conversionForm([audio], "audio", modelId, { ...params, ...mix }), "Cover request");
  if (!body.conversion) throw new Error("The cover request was answered without a conversion");
  return body.conversion;
}

export const getBatch = (id: string) => callApi<Batch>(`/api/conversions/batch/${id}`);

/**
 * Several clips (or one .zip) in one multipart request → a batch. It carries an Idempotency-Key made once per
 * submission, so a resent request (a retry after a dropped connection) cannot create the batch twice.
 */
export async function startBatch(files: File[], modelId: string, params: Record<keyof ConversionParams, string>, key: string) {
  const zip = files.length === 1 && /\.zip$/i.test(files[0]!.name);
  const body = await postForm<Batch>("/api/conversions/batch", conversionForm(files, zip ? "zip" : "audio", modelId, params), "Batch request", { "idempotency-key": key });
  if (!body.id) throw new Error("The batch request was answered without a batch");
  return body;
}
