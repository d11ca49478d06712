import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveJobView } from "@/components/LiveJobView";
import { ApiError } from "@/lib/errors";
import { getJob } from "@/lib/jobs";
import { linkClass, PageHeader } from "@/components/ui";
import { formatAttempt, formatDateTime } from "@/lib/format";
import { maxAttempts } from "@/lib/queue";

export const dynamic = "force-dynamic";

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  await pageUser();
  const { id } = await params;
  let job;
  try {
    job = await getJob(id);
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
      <LiveJobView jobId={job.id} initialStatus={job.status} />
    </div>
  );
}
