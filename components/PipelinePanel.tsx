"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api-client";

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
};

/** The pipeline stages with each one's latest job. Stages fill in as later issues land. */
export function PipelinePanel({ experiment, jobs }: { experiment: string; jobs: StageJob[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const latest = (kind: string) => jobs.find((j) => j.kind === kind);

  async function start(action: string) {
    setError(null);
    try {
      await callApi(`/api/experiments/${experiment}/${action}`, { method: "POST", body: "{}" });
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label="Pipeline">
      <h2 className="mb-3 font-medium">Pipeline</h2>
      <ol className="grid gap-2 sm:grid-cols-6">
        {STAGES.map((s, i) => {
          const job = latest(s.key);
          return (
            <li key={s.key} className="rounded border border-zinc-200 p-2 text-sm dark:border-zinc-700" data-stage={s.key}>
              <div className="font-medium">
                {i + 1}. {s.label}
              </div>
              {job ? (
                <span className={`mt-1 inline-block rounded px-1.5 text-xs ${badge[job.status] ?? ""}`}>{job.status}</span>
              ) : (
                <span className="mt-1 block text-xs text-zinc-500">not started</span>
              )}
              {job?.error && <p className="mt-1 text-xs text-red-600">{job.error}</p>}
              {s.action && (
                <button
                  onClick={() => start(s.action!)}
                  disabled={job?.status === "queued" || job?.status === "running"}
                  className="mt-2 block rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-600 dark:hover:bg-zinc-800"
                >
                  Run {s.label.toLowerCase()}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {error && (
        <p role="alert" className="mt-3 text-sm text-red-600">
          {error}
        </p>
      )}
    </section>
  );
}
