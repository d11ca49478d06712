"use client";
import { useEffect, useRef, useState } from "react";
import { formatDuration, formatTime } from "@/lib/format";
import { callApi } from "./api-client";
import type { LiveJob } from "./useJobEvents";

const ACTIVE = new Set(["queued", "running"]);

/** Progress bar with percent, ETA and throughput; live log tail; cancel; the error when it fails. */
export function JobProgress({ jobId, live, initialStatus }: { jobId: string; live: LiveJob | undefined; initialStatus?: string }) {
  const status = live?.status ?? initialStatus ?? "queued";
  const p = live?.progress;
  const percent = status === "succeeded" ? 100 : (p?.percent ?? 0);
  const [error, setError] = useState<string | null>(null);

  async function cancel() {
    setError(null);
    try {
      await callApi(`/api/jobs/${jobId}/cancel`, { method: "POST" });
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="space-y-2" data-testid="job-progress" data-status={status}>
      <div className="flex items-center gap-3 text-sm">
        <span className="font-medium" data-testid="job-status">{status}</span>
        {p?.stage && <span className="text-zinc-600 dark:text-zinc-400">{p.stage}</span>}
        {live?.interrupted && (
          <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">interrupted and resumed</span>
        )}
        <span className="ml-auto tabular-nums" data-testid="job-percent">{percent.toFixed(0)}%</span>
      </div>
      <div className="h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-label="Job progress" aria-valuenow={Math.round(percent)} aria-valuemin={0} aria-valuemax={100}>
        <div
          className={`h-full transition-[width] duration-300 ${status === "failed" ? "bg-red-500" : status === "cancelled" ? "bg-amber-500" : "bg-indigo-500"}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      <div className="flex gap-4 text-xs text-zinc-600 dark:text-zinc-400">
        {p && (
          <span>
            {p.done} / {p.total} {p.unit ?? ""}
          </span>
        )}
        {p?.rate ? <span>{p.rate.toFixed(p.rate < 10 ? 2 : 0)} {p.unit ?? "items"}/s</span> : null}
        {ACTIVE.has(status) && p?.etaSeconds != null && <span>ETA {formatDuration(p.etaSeconds)}</span>}
        <a className="ml-auto underline" href={`/api/jobs/${jobId}/logs`} download>
          Download full log
        </a>
        {ACTIVE.has(status) && (
          <button onClick={cancel} className="rounded border border-red-300 dark:border-red-800 px-2 text-red-700 dark:text-red-400 hover:bg-red-50 dark:hover:bg-red-950">
            Cancel
          </button>
        )}
      </div>
      {live?.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {live.error}
        </p>
      )}
      {error && <p className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      <LogTail lines={live?.logs ?? []} />
    </div>
  );
}

/** Follows new lines unless the reader has scrolled up; scrolling back to the bottom resumes following. */
function LogTail({ lines }: { lines: LiveJob["logs"] }) {
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);
  if (lines.length === 0) return null;
  return (
    <div className="relative">
      <div
        ref={box}
        data-testid="job-log"
        // keyboard users can scroll the log too
        tabIndex={0}
        role="log"
        aria-label="Job log"
        onScroll={(e) => {
          const el = e.currentTarget;
          setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < 8);
        }}
        className="h-40 overflow-y-auto rounded bg-zinc-900 p-2 font-mono text-xs leading-5 text-zinc-100"
      >
        {lines.map((l) => (
          <div key={l.id} className={l.level === "error" ? "text-red-400" : l.level === "warn" ? "text-amber-300" : undefined}>
            <span className="text-zinc-400">{formatTime(l.at)} </span>
            {l.message}
          </div>
        ))}
      </div>
      {!follow && <span className="absolute bottom-1 right-3 rounded bg-zinc-700 px-1.5 text-xs text-white">paused — scroll down to follow</span>}
    </div>
  );
}
