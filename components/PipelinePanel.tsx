"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { callApi } from "./api-client";
import { JobProgress } from "./JobProgress";
import type { LiveJobs } from "./useJobEvents";

export interface StageJob {
  id: string;
  kind: string;
  status: string;
  error: string | null;
  createdAt: string;
}

const STAGES: { key: string; label: string; action?: string }[] = [
  { key: "upload", label: "Upload" },
  { key: "preprocess", label: "Preprocess", action: "preprocess" },
  { key: "extract", label: "Extract", action: "extract" },
  { key: "train", label: "Train" },
  { key: "index", label: "Index" },
  { key: "model", label: "Model" },
];

const badge: Record<string, string> = {
  queued: "bg-zinc-200 text-zinc-800",
  running: "bg-blue-100 text-blue-800",
  succeeded: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-amber-100 text-amber-800",
  done: "bg-green-100 text-green-800",
};

const ACTIVE = new Set(["queued", "running"]);

/** The pipeline stepper with each stage's state, live over the experiment's event stream. */
export function PipelinePanel({
  experiment,
  jobs,
  fileCount,
  modelCount,
  hasIndex,
  live,
  readOnly = false,
}: {
  experiment: string;
  jobs: StageJob[];
  fileCount: number;
  modelCount: number;
  hasIndex: boolean;
  /** live state of the experiment's jobs (one event stream, owned by the caller) */
  live: LiveJobs;
  /** a viewer: no Run buttons */
  readOnly?: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const statusOf = (j: StageJob) => live[j.id]?.status ?? j.status;
  const latest = (kind: string) => jobs.find((j) => j.kind === kind);

  // a job that reached a final state live: re-read the page data (files, models, next stage)
  const seenFinal = useRef(new Set<string>());
  useEffect(() => {
    for (const j of jobs) {
      const s = live[j.id]?.status;
      if (s && !ACTIVE.has(s) && ACTIVE.has(j.status) && !seenFinal.current.has(j.id)) {
        seenFinal.current.add(j.id);
        router.refresh();
      }
    }
  }, [live, jobs, router]);

  async function start(action: string) {
    setError(null);
    try {
      await callApi(`/api/experiments/${experiment}/${action}`, { method: "POST", body: "{}" });
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const stageState = (key: string): string | undefined => {
    if (key === "upload") return fileCount > 0 ? "done" : undefined;
    if (key === "model") return modelCount > 0 ? "done" : undefined;
    if (key === "index" && !latest("index")) return hasIndex ? "done" : undefined;
    const j = latest(key);
    return j ? statusOf(j) : undefined;
  };
  const focus = jobs.find((j) => ACTIVE.has(statusOf(j))) ?? jobs[0];

  return (
    <section className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label="Pipeline">
      <h2 className="font-medium">Pipeline</h2>
      <ol className="grid gap-2 sm:grid-cols-6">
        {STAGES.map((s, i) => {
          const state = stageState(s.key);
          const job = latest(s.key);
          return (
            <li key={s.key} className="min-w-0 rounded border border-zinc-200 p-2 text-sm dark:border-zinc-700" data-stage={s.key} data-state={state ?? "idle"}>
              <div className="font-medium">
                {i + 1}. {s.label}
              </div>
              {state ? (
                <span className={`mt-1 inline-block rounded px-1.5 text-xs ${badge[state] ?? ""}`}>{state}</span>
              ) : (
                <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">not started</span>
              )}
              {job && statusOf(job) === "failed" && (
                <p className="mt-1 text-xs text-red-700 dark:text-red-400 [overflow-wrap:anywhere]" data-testid="stage-error">
                  {live[job.id]?.error ?? job.error}
                </p>
              )}
              {s.action && !readOnly && (
                <button
                  onClick={() => start(s.action!)}
                  disabled={state === "queued" || state === "running"}
                  className="mt-2 block rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-600 dark:hover:bg-zinc-800"
                >
                  Run {s.label.toLowerCase()}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {focus && (
        <div>
          <h3 className="mb-1 text-sm font-medium">
            {focus.kind} job <a className="text-xs text-indigo-700 dark:text-indigo-300 underline" href={`/jobs/${focus.id}`}>details</a>
          </h3>
          <JobProgress jobId={focus.id} live={live[focus.id]} initialStatus={focus.status} />
        </div>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </section>
  );
}
