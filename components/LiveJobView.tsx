"use client";
import { JobProgress } from "./JobProgress";
import { useJobEvents } from "./useJobEvents";

/** One job, live over its own event stream (the whole history is replayed on open). */
export function LiveJobView({ jobId, initialStatus }: { jobId: string; initialStatus: string }) {
  const { jobs } = useJobEvents(`/api/jobs/${jobId}/events`);
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900" aria-label="Job">
      <JobProgress jobId={jobId} live={jobs[jobId]} initialStatus={initialStatus} />
    </section>
  );
}
