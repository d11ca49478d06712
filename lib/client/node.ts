/**
 * The typed client for Node: everything of `createCoreClient` plus local files — resumable tus uploads (the
 * upload URL is remembered in a JSON file, so an interrupted upload continues where it stopped), downloads
 * streamed into a folder, conversion of a local file.
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as tus from "tus-js-client";
import { ApiError } from "../errors";
import { errorCodeOf, shouldRetryUpload } from "../uploads/retry";
import { createCoreClient, errorFromResponse, networkError, type ClientOptions } from "./client";
import type { ConversionParams, ModelFileKind, UploadResult } from "./types";
import { FileUrlStorage } from "./url-storage";

export { ApiError };
export type { ClientOptions };

export interface UploadFileOptions {
  /** the JSON file that remembers unfinished uploads (default ~/.config/voice-studio/uploads.json) */
  storagePath?: string;
  /** bytes per PATCH request (default 8 MiB): an interruption loses at most the chunk in flight */
  chunkSize?: number;
  /** pauses before retrying after a network error or 5xx (ms); 4xx answers are final and never retried */
  retryDelays?: number[];
  onProgress?: (sent: number, total: number) => void;
  /** called when a stored upload is continued, with the server's offset */
  onResume?: (offset: number) => void;
  onChunkComplete?: (accepted: number, total: number) => void;
  /** every tus request's answer (method and status), e.g. for a verbose log */
  onResponse?: (method: string, status: number) => void;
  signal?: AbortSignal;
}

export interface UploadOutcome {
  file: string;
  bytes: number;
  /** where the server stood when a stored upload was continued; null for a fresh upload */
  resumedFrom: number | null;
  result: UploadResult;
}

/** The ApiError of a failed tus request (the server's JSON error shape when it answered). */
function tusError(err: Error | tus.DetailedError, url: string): ApiError {
  const res = (err as tus.DetailedError).originalResponse;
  if (!res) return networkError(url, (err as tus.DetailedError).causingError ?? err);
  const body = res.getBody();
  try {
    const e = (JSON.parse(body) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }).error;
    if (e?.code && e.message) return new ApiError(res.getStatus(), e.code, e.message, e.details);
  } catch {
    // not JSON
  }
  return new ApiError(res.getStatus(), `http_${res.getStatus()}`, `Upload failed: HTTP ${res.getStatus()}`);
}

/** A safe local file name from a Content-Disposition header, or the fallback. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  let name: string | undefined;
  const star = header?.match(/filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/);
  if (star) {
    try {
      name = decodeURIComponent(star[1]!.trim());
    } catch {
      name = undefined;
    }
  }
  name ??= header?.match(/filename\s*=\s*"([^"]*)"/)?.[1] ?? header?.match(/filename\s*=\s*([^;\s]+)/)?.[1];
  // never a path: the last component only, without control characters, not "." or ".."
  const base = (name ?? "").split(/[\\/]/).pop()!.replace(/[\x00-\x1f\x7f]/g, "").trim();
  return base && base !== "." && base !== ".." ? base : fallback;
}

/** Stream a response body into `dir` (through a `.part` file, renamed when complete); answers the path. */
export async function saveResponse(res: Response, dir: string, fallbackName: string): Promise<string> {
  const target = path.join(dir, filenameFromDisposition(res.headers.get("content-disposition"), fallbackName));
  fs.mkdirSync(dir, { recursive: true });
  const part = `${target}.part`;
  try {
    if (!res.body) throw new ApiError(0, "empty_response", `The server sent no body for ${path.basename(target)}`);
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), fs.createWriteStream(part));
    fs.renameSync(part, target);
  } catch (err) {
    fs.rmSync(part, { force: true });
    throw err;
  }
  return target;
}

export function createClient(opts: ClientOptions) {
  const core = createCoreClient(opts);
  const t = core.transport;

  const uploads = {
    /**
     * Upload one local file into an experiment over tus. When an earlier try of the same file (same path, size
     * and modification time, same server and experiment) was interrupted, it continues from the server's offset.
     * A refusal (409 duplicate_file, 422 invalid_audio, 413 quota_exceeded …) rejects with its ApiError at once.
     */
    uploadFile(experiment: string, file: string, o: UploadFileOptions = {}): Promise<UploadOutcome> {
      const abs = path.resolve(file);
      const st = fs.statSync(abs);
      const storage = new FileUrlStorage(o.storagePath);
      const endpoint = t.url("/api/uploads");
      const fingerprint = ["voice-studio", t.baseUrl, experiment, abs, st.size, Math.round(st.mtimeMs)].join("|");
      let resumedFrom: number | null = null;
      return new Promise<UploadOutcome>((resolve, reject) => {
        const forget = () =>
          storage
            .findUploadsByFingerprint(fingerprint)
            .then((stored) => Promise.all(stored.map((u) => storage.removeUpload(u.urlStorageKey))))
            .catch(() => {});
        const upload = new tus.Upload(fs.createReadStream(abs), {
          endpoint,
          headers: t.headers(),
          metadata: { experiment, filename: path.basename(abs) },
          uploadSize: st.size,
          chunkSize: o.chunkSize ?? 8 * 1024 * 1024,
          retryDelays: o.retryDelays ?? [0, 1000, 3000, 5000, 10000],
          fingerprint: async () => fingerprint,
          urlStorage: storage,
          storeFingerprintForResuming: true,
          removeFingerprintOnSuccess: true,
          onShouldRetry: (err) => {
            const res = err.originalResponse;
            return shouldRetryUpload(res?.getStatus() ?? 0, errorCodeOf(res?.getBody()));
          },
          onProgress: o.onProgress ?? null,
          onChunkComplete: o.onChunkComplete ? (_size, accepted, total) => o.onChunkComplete!(accepted, total) : null,
          onAfterResponse: (req, res) => {
            o.onResponse?.(req.getMethod(), res.getStatus());
            if (req.getMethod() === "HEAD" && res.getStatus() === 200) {
              resumedFrom = Number(res.getHeader("Upload-Offset") ?? 0);
              o.onResume?.(resumedFrom);
            }
          },
          onSuccess: ({ lastResponse }) => {
            let result: UploadResult = { files: [], skipped: [] };
            try {
              const body = JSON.parse(lastResponse.getBody() || "{}") as Partial<UploadResult>;
              result = { files: body.files ?? [], skipped: body.skipped ?? [] };
            } catch {
              // a server without a completion body: still uploaded
            }
            resolve({ file: abs, bytes: st.size, resumedFrom, result });
          },
          onError: (err) => {
            const e = tusError(err, endpoint);
            // a refusal is final: the next try must start over (the server kept nothing), not resume
            const done = e.status >= 400 && e.status < 500 ? forget() : Promise.resolve();
            void done.then(() => reject(e));
          },
        });
        o.signal?.addEventListener(
          "abort",
          () => {
            void upload.abort(false).finally(() => reject(o.signal!.reason ?? new Error("aborted")));
          },
          { once: true },
        );
        void upload
          .findPreviousUploads()
          .catch(() => [])
          .then((previous) => {
            if (o.signal?.aborted) return;
            if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
            upload.start();
          });
      });
    },
  };

  const models = {
    ...core.models,
    /** download one file of a model into `dir` (named as the server names it); answers the path */
    async downloadTo(id: string, dir: string, kind: ModelFileKind = "pth", o: { signal?: AbortSignal } = {}): Promise<string> {
      const res = await core.models.download(id, kind, o);
      return saveResponse(res, dir, `${id}.${kind}`);
    },
  };

  const conversions = {
    ...core.conversions,
    /** convert a local audio file (sent as multipart) */
    createFromFile: async (modelId: string, file: string, params?: ConversionParams) => {
      const audio = await fs.openAsBlob(file);
      return core.conversions.create({ modelId, audio, filename: path.basename(file), params });
    },
    /** save the converted WAV into `dir`; answers the path */
    async downloadAudioTo(id: string, dir: string, o: { signal?: AbortSignal } = {}): Promise<string> {
      const res = await core.conversions.audio(id, o);
      return saveResponse(res, dir, `${id}.wav`);
    },
  };

  return { ...core, uploads, models, conversions };
}

export type Client = ReturnType<typeof createClient>;
export { errorFromResponse };
