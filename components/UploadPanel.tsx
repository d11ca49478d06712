"use client";
/**
 * Resumable uploads with tus-js-client: drop zone, file and folder pickers, per-file and total progress with
 * speed and ETA, pause/resume/cancel, retries with back-off, and resume after a reload or browser restart
 * (fingerprints in localStorage; choose the same file again and it continues from the server's offset).
 */
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import * as tus from "tus-js-client";
import { formatBytes } from "@/lib/format";
import { errorCodeOf, shouldRetryUpload } from "@/lib/uploads/retry";

const ACCEPT = ".wav,.wave,.flac,.mp3,.ogg,.oga,.opus,.m4a,.aac,.mp4,.zip";
const CHUNK_BYTES = 8 * 1024 * 1024;
const PARALLEL = 3;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

type Status = "queued" | "uploading" | "paused" | "processing" | "done" | "error" | "cancelled";

interface Item {
  key: string;
  name: string;
  size: number;
  status: Status;
  sent: number;
  speed: number;
  resumedFrom?: number;
  message?: string;
}

interface Interrupted {
  key: string;
  name: string;
  size: number;
  percent: number | null;
}

function fingerprintFor(experiment: string) {
  return async (file: File | Blob) => {
    const f = file as File & { webkitRelativePath?: string };
    return ["voice-studio", experiment, f.webkitRelativePath || f.name, f.type, f.size, f.lastModified].join("|");
  };
}

function responseOf(err: unknown): { status: number; body: string | undefined } {
  const res = (err as tus.DetailedError)?.originalResponse;
  return { status: res?.getStatus?.() ?? 0, body: res?.getBody?.() };
}

/** The server answered and will answer the same again (a duplicate, not audio, over quota…). */
function isRefusal(err: unknown): boolean {
  const { status, body } = responseOf(err);
  return status !== 0 && !shouldRetryUpload(status, errorCodeOf(body));
}

function apiMessage(err: unknown): string {
  const e = err as tus.DetailedError;
  const body = e?.originalResponse?.getBody?.();
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string } };
      if (parsed.error?.message) return parsed.error.message;
    } catch {
      return body.trim().slice(0, 200);
    }
  }
  return (err as Error)?.message ?? String(err);
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "";
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s left`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min left`;
}

function Bar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, value * 100));
  return (
    <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.floor(pct)} className="h-2 w-full rounded bg-zinc-200 dark:bg-zinc-800">
      <div className="h-2 rounded bg-blue-600 transition-[width]" style={{ width: `${pct}%` }} />
    </div>
  );
}

/** Files from a drop, walking dropped folders (webkitGetAsEntry). */
async function droppedFiles(dt: DataTransfer): Promise<File[]> {
  const entries = Array.from(dt.items ?? [])
    .map((i) => (i.kind === "file" ? i.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0 || !entries.some((e) => e.isDirectory)) return Array.from(dt.files);
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const f = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      Object.defineProperty(f, "webkitRelativePath", { value: prefix + f.name });
      out.push(f);
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, "");
  return out;
}

export function UploadPanel({ experiment }: { experiment: string }) {
  const router = useRouter();
  const [items, setItems] = useState<Item[]>([]);
  const [interrupted, setInterrupted] = useState<Interrupted[]>([]);
  const [dragging, setDragging] = useState(false);
  const uploads = useRef(new Map<string, tus.Upload>());
  const queue = useRef<string[]>([]);
  const active = useRef(0);
  const seq = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const patch = useCallback((key: string, p: Partial<Item>) => setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...p } : x))), []);

  const refreshSoon = useCallback(() => {
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => router.refresh(), 400);
  }, [router]);

  const loadInterrupted = useCallback(async () => {
    const all = await tus.defaultOptions.urlStorage.findAllUploads().catch(() => []);
    setInterrupted(
      all
        .filter((u) => u.metadata?.experiment === experiment)
        .map((u) => ({
          key: u.urlStorageKey,
          name: u.metadata?.filename ?? "?",
          size: u.size ?? 0,
          percent: null,
        })),
    );
  }, [experiment]);

  useEffect(() => {
    void loadInterrupted();
  }, [loadInterrupted]);

  const pump = useCallback(() => {
    while (active.current < PARALLEL && queue.current.length > 0) {
      const key = queue.current.shift()!;
      const up = uploads.current.get(key);
      if (!up) continue;
      active.current++;
      patch(key, { status: "uploading" });
      void (async () => {
        const previous = await up.findPreviousUploads().catch(() => []);
        if (previous.length > 0) up.resumeFromPreviousUpload(previous[0]!);
        up.start();
      })();
    }
  }, [patch]);

  const settle = useCallback(
    (key: string) => {
      active.current = Math.max(0, active.current - 1);
      pump();
    },
    [pump],
  );

  const addFiles = useCallback(
    (files: File[]) => {
      const fresh: Item[] = [];
      for (const file of files) {
        const key = `u${++seq.current}`;
        const name = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
        let last = { t: performance.now(), b: 0 };
        let speed = 0;
        let first = true;
        const up = new tus.Upload(file, {
          endpoint: "/api/uploads",
          chunkSize: CHUNK_BYTES,
          retryDelays: RETRY_DELAYS,
          metadata: { experiment, filename: name, filetype: file.type },
          fingerprint: fingerprintFor(experiment),
          storeFingerprintForResuming: true,
          removeFingerprintOnSuccess: true,
          // a refusal (409 duplicate_file, 422 invalid_audio…) is final: tus-js-client would retry every 409
          onShouldRetry(err) {
            const { status, body } = responseOf(err);
            return shouldRetryUpload(status, errorCodeOf(body));
          },
          onProgress(sent) {
            const now = performance.now();
            if (first) {
              first = false;
              last = { t: now, b: sent };
            } else if (now - last.t > 250) {
              const inst = ((sent - last.b) * 1000) / (now - last.t);
              speed = speed === 0 ? inst : 0.7 * speed + 0.3 * inst;
              last = { t: now, b: sent };
            }
            patch(key, { sent, speed, status: sent >= file.size ? "processing" : "uploading" });
          },
          onAfterResponse(req, res) {
            // a HEAD is how a stored upload is resumed: its offset is where the server stood
            const off = res.getHeader("Upload-Offset");
            if (req.getMethod() === "HEAD" && off !== undefined && res.getStatus() === 200) patch(key, { resumedFrom: Number(off), sent: Number(off) });
          },
          onSuccess(payload) {
            let message = "added";
            try {
              const body = JSON.parse(payload.lastResponse.getBody() || "{}") as { files?: unknown[]; skipped?: { name: string; reason: string }[] };
              const n = body.files?.length ?? 0;
              const skipped = body.skipped ?? [];
              message = n === 1 && skipped.length === 0 ? "added" : `added ${n} file(s)${skipped.length ? `, skipped ${skipped.length}: ${skipped.map((s) => `${s.name} (${s.reason})`).join("; ")}` : ""}`;
            } catch {
              // an older response without a body: still done
            }
            patch(key, { status: "done", sent: file.size, message });
            uploads.current.delete(key);
            settle(key);
            void loadInterrupted();
            refreshSoon();
          },
          onError(err) {
            patch(key, { status: "error", message: apiMessage(err) });
            uploads.current.delete(key);
            settle(key);
            // a refused file cannot be continued: drop its resume entry so it is not listed as interrupted
            const forgetRefused = isRefusal(err)
              ? fingerprintFor(experiment)(file).then((fp) =>
                  tus.defaultOptions.urlStorage
                    .findUploadsByFingerprint(fp)
                    .then((stored) => Promise.all(stored.map((u) => tus.defaultOptions.urlStorage.removeUpload(u.urlStorageKey)))),
                )
              : Promise.resolve();
            void forgetRefused.catch(() => {}).then(loadInterrupted);
          },
        });
        uploads.current.set(key, up);
        queue.current.push(key);
        fresh.push({ key, name, size: file.size, status: "queued", sent: 0, speed: 0 });
      }
      setItems((xs) => [...xs, ...fresh]);
      pump();
    },
    [experiment, loadInterrupted, patch, pump, refreshSoon, settle],
  );

  const pause = (key: string) => {
    const up = uploads.current.get(key);
    if (!up) return;
    void up.abort(false);
    patch(key, { status: "paused", speed: 0 });
    settle(key);
  };
  const resume = (key: string) => {
    if (!uploads.current.has(key)) return;
    patch(key, { status: "queued" });
    queue.current.push(key);
    pump();
  };
  const cancel = (key: string, status: Status) => {
    const up = uploads.current.get(key);
    if (!up) return;
    void up.abort(true).catch(() => {});
    uploads.current.delete(key);
    queue.current = queue.current.filter((k) => k !== key);
    patch(key, { status: "cancelled", speed: 0 });
    if (status === "uploading" || status === "processing") settle(key);
    void loadInterrupted();
  };
  const forget = async (key: string) => {
    await tus.defaultOptions.urlStorage.removeUpload(key).catch(() => {});
    void loadInterrupted();
  };

  const live = items.filter((i) => i.status !== "cancelled" && i.status !== "error");
  const total = live.reduce((s, i) => s + i.size, 0);
  const sent = live.reduce((s, i) => s + i.sent, 0);
  const speed = items.reduce((s, i) => s + (i.status === "uploading" ? i.speed : 0), 0);
  const busy = items.some((i) => i.status === "uploading" || i.status === "queued" || i.status === "processing");

  return (
    <section aria-label="Upload" className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="font-semibold">Upload audio</h2>
      <div
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void droppedFiles(e.dataTransfer).then(addFiles);
        }}
        className={`rounded-lg border-2 border-dashed p-6 text-center text-sm ${dragging ? "border-blue-500 bg-blue-50 dark:bg-blue-950" : "border-zinc-300 dark:border-zinc-700"}`}
      >
        <p>Drop audio files, folders or a .zip here</p>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">wav, flac, mp3, ogg/opus, m4a/aac · interrupted uploads resume where they stopped</p>
        <div className="mt-3 flex justify-center gap-3">
          <label className="cursor-pointer rounded bg-zinc-900 px-3 py-1.5 text-white dark:bg-zinc-100 dark:text-zinc-900">
            Choose files
            <input
              type="file"
              multiple
              accept={ACCEPT}
              className="sr-only"
              aria-label="Choose files"
              onChange={(e) => {
                addFiles(Array.from(e.target.files ?? []));
                e.target.value = "";
              }}
            />
          </label>
          <label className="cursor-pointer rounded border border-zinc-300 px-3 py-1.5 dark:border-zinc-700">
            Choose a folder
            <input
              type="file"
              multiple
              className="sr-only"
              aria-label="Choose a folder"
              {...({ webkitdirectory: "", directory: "" } as Record<string, string>)}
              onChange={(e) => {
                addFiles(Array.from(e.target.files ?? []));
                e.target.value = "";
              }}
            />
          </label>
        </div>
      </div>

      {interrupted.length > 0 && (
        <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950" data-testid="interrupted">
          <p className="font-medium">Interrupted uploads: choose the same file again to continue where it stopped</p>
          <ul className="mt-1 space-y-1">
            {interrupted.map((u) => (
              <li key={u.key} className="flex items-center gap-2">
                <span>{u.name}</span>
                <span className="text-zinc-600 dark:text-zinc-400">{formatBytes(u.size)}</span>
                <button type="button" className="text-xs underline" onClick={() => void forget(u.key)}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {items.length > 0 && (
        <div className="space-y-2">
          {total > 0 && (
          <div className="text-sm" data-testid="upload-total">
            <div className="mb-1 flex justify-between">
              <span>
                Total {formatBytes(sent)} of {formatBytes(total)} ({total ? Math.floor((sent / total) * 100) : 0}%)
              </span>
              <span className="text-zinc-600 dark:text-zinc-400">{busy && speed > 0 ? `${formatBytes(speed)}/s · ${formatEta((total - sent) / speed)}` : ""}</span>
            </div>
            <Bar value={total ? sent / total : 0} label="Total progress" />
          </div>
          )}
          <ul className="space-y-2">
            {items.map((i) => (
              <li key={i.key} data-testid="upload-item" data-status={i.status} className="rounded border border-zinc-200 p-2 text-sm dark:border-zinc-800">
                <div className="flex items-center justify-between gap-2">
                  <span className="truncate font-mono text-xs" title={i.name}>
                    {i.name}
                  </span>
                  <span className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400">
                    <span data-testid="upload-percent">{i.size ? Math.floor((i.sent / i.size) * 100) : 100}%</span> · {i.status}
                    {i.status === "uploading" && i.speed > 0 ? ` · ${formatBytes(i.speed)}/s · ${formatEta((i.size - i.sent) / i.speed)}` : ""}
                  </span>
                </div>
                <div className="my-1">
                  <Bar value={i.size ? i.sent / i.size : 1} label={`Progress of ${i.name}`} />
                </div>
                <div className="flex items-center gap-3 text-xs">
                  {i.resumedFrom !== undefined && (
                    <span className="text-blue-700 dark:text-blue-300" data-testid="resumed">
                      resumed at {i.size ? Math.floor((i.resumedFrom / i.size) * 100) : 0}%
                    </span>
                  )}
                  {i.message && (
                    <span role={i.status === "error" ? "alert" : undefined} className={i.status === "error" ? "text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}>
                      {i.message}
                    </span>
                  )}
                  <span className="ml-auto flex gap-2">
                    {i.status === "uploading" && (
                      <button type="button" className="underline" onClick={() => pause(i.key)}>
                        Pause
                      </button>
                    )}
                    {i.status === "paused" && (
                      <button type="button" className="underline" onClick={() => resume(i.key)}>
                        Resume
                      </button>
                    )}
                    {(i.status === "uploading" || i.status === "paused" || i.status === "queued") && (
                      <button type="button" className="underline" onClick={() => cancel(i.key, i.status)}>
                        Cancel
                      </button>
                    )}
                  </span>
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
