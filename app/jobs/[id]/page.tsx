import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveJobView } from "@/components/LiveJobView";
import { ApiError } from "@/lib/errors";
import { getJobStanding } from "@/lib/jobs";
import { AutoRefresh } from "@/components/AutoRefresh";
import { linkClass, PageHeader } from "@/components/ui";
import { formatAttempt, formatDateTime, queueStandingText } from "@/lib/format";
import { maxAttempts } from "@/lib/queue";

export const dynamic = "force-dynamic";

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  await pageUser();
  const { id } = await params;
  let job;
  try {
    job = await getJobStanding(id);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) notFound();
    throw err;
  }
  return (
    <div className="space-y-4">
      <PageHeader
        title={
          <>
            {job.kind} job <span className="break-all font-mono text-sm font-normal text-zinc-600 dark:text-zinc-400">{job.id}</span>
          </>
        }
        description={
          <>
            {job.experiment ? (
              <>
                experiment{" "}
                <Link className={linkClass} href={`/experiments/${job.experiment}`}>
                  {job.experiment}
                </Link>{" "}
                ·{" "}
              </>
            ) : null}
            {[
              formatAttempt(job.attempts, maxAttempts(job.kind)),
              `created ${formatDateTime(job.createdAt)}`,
              job.startedAt && `started ${formatDateTime(job.startedAt)}`,
              job.finishedAt && `finished ${formatDateTime(job.finishedAt)}`,
            ]
              .filter(Boolean)
              .join(" · ")}
          </>
        }
      />
      {job.queue && (
        <>
          {/* while it is queued, its standing is re-read (the live view takes over once it runs) */}
          <AutoRefresh seconds={5} />
          <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="job-standing">
            Queued: {queueStandingText(job.queue)}
          </p>
        </>
      )}
      <LiveJobView jobId={job.id} initialStatus={job.status} />
    </div>
  );
}
