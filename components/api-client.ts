/**
 * Browser-side fetch of our API: returns the JSON body or throws the API error's message. The response types are
 * the ones inferred from the API's zod schemas (lib/api/common.ts), re-exported here for the components: e.g.
 * `callApi<{ experiments: ExperimentListItem[] }>("/api/experiments")`. Type-only: nothing of lib/ reaches the bundle.
 */
export type {
  Activity,
  ApiToken,
  AudioFile,
  Conversion,
  ConversionAccepted,
  DatasetCard,
  ErrorBody,
  Experiment,
  ExperimentDetail,
  ExperimentListItem,
  FileList,
  Job,
  JobAccepted,
  JobRef,
  Me,
  Model,
  ModelImportResult,
  PretrainedFile,
  UploadResult,
  User,
  ValidationReport,
} from "@/lib/api/common";

export async function callApi<T = unknown>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { "content-type": "application/json", ...(init.headers ?? {}) },
  });
  if (res.status === 204) return undefined as T;
  // the session ended (expired, logged out elsewhere, user disabled): back to the login page
  if (res.status === 401 && typeof window !== "undefined") window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `Request failed with HTTP ${res.status}`);
  return body as T;
}
