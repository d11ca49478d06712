import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveJobView } from "@/components/LiveJobView";
import { ApiError } from "@/lib/errors";
import { getJob } from "@/lib/jobs";
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
      <div>
        <h1 className="text-2xl font-semibold">
          {job.kind} job <span className="text-base font-normal text-zinc-500">{job.id}</span>
        </h1>
        <p className="text-sm text-zinc-500">
          {job.experiment ? (
            <>
              experiment <Link className="underline" href={`/experiments/${job.experiment}`}>{job.experiment}</Link> ·{" "}
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
        </p>
      </div>
      <LiveJobView jobId={job.id} initialStatus={job.status} />
    </div>
  );
}
