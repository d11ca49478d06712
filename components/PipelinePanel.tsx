"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { callApi, type Job } from "./api-client";
import { JobProgress } from "./JobProgress";
import type { LiveJobs } from "./useJobEvents";
import { StatusBadge } from "@/components/ui";

/** What the stages read of a job (lib/api/common.ts Job). */
export type StageJob = Pick<Job, "id" | "kind" | "status" | "error" | "createdAt">;

/** per stage: out of date after a settings change (GET /api/experiments/{name} `stages`) */
export type StageStates = Partial<Record<string, { stale: boolean; reason?: string }>>;

const STAGES: { key: string; label: string; action?: string }[] = [
  { key: "upload", label: "Upload" },
  { key: "preprocess", label: "Preprocess", action: "preprocess" },
  { key: "extract", label: "Extract", action: "extract" },
  { key: "train", label: "Train" },
  { key: "index", label: "Index" },
  { key: "model", label: "Model" },
];


const ACTIVE = new Set(["queued", "running"]);

/** The pipeline stepper with each stage's state, live over the experiment's event stream. */
export function PipelinePanel({
  experiment,
  jobs,
  fileCount,
  modelCount,
  hasIndex,
  live,
  stages = {},
  readOnly = false,
}: {
  stages?: StageStates;
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
    const status = j ? statusOf(j) : undefined;
    // a stage that ran with other settings: its output no longer fits (unless it is being re-run now)
    if (stages[key]?.stale && !(status && ACTIVE.has(status))) return "out of date";
    return status;
  };
  const focus = jobs.find((j) => ACTIVE.has(statusOf(j))) ?? jobs[0];

  return (
    <section className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label="Pipeline">
      <h2 className="font-semibold">Pipeline</h2>
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
                <span className="mt-1 block">
                  <StatusBadge status={state} />
                </span>
              ) : (
                <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">not started</span>
              )}
              {state === "out of date" && (
                <p className="mt-1 text-xs text-amber-800 [overflow-wrap:anywhere] dark:text-amber-300" data-testid="stage-stale">
                  {stages[s.key]?.reason}
                </p>
              )}
              {job && state === "failed" && (
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
                  {state === "out of date" ? "Re-run" : "Run"} {s.label.toLowerCase()}
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
