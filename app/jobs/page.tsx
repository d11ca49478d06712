import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { listJobs } from "@/lib/jobs";
import { conversionsOfJobs } from "@/lib/conversions";
import { queueStandings } from "@/lib/queue-position";
import { formatAgo, formatAttempt } from "@/lib/format";
import { maxAttempts, QUEUES } from "@/lib/queue";
import { AutoRefresh } from "@/components/AutoRefresh";
import { DataTable, EmptyState, linkClass, PageHeader, primaryButton, smallSelect, StatusBadge } from "@/components/ui";

export const dynamic = "force-dynamic";

const STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"];

export default async function JobsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await pageUser();
  const q = await searchParams;
  const filter = {
    experiment: q.experiment || undefined,
    status: STATUSES.includes(q.status ?? "") ? q.status : undefined,
    kind: (QUEUES as readonly string[]).includes(q.kind ?? "") ? q.kind : undefined,
  };
  const jobs = await listJobs(filter);
  const conversions = await conversionsOfJobs(jobs.filter((j) => j.kind === "convert" || j.kind === "cover").map((j) => j.id));
  // queued jobs: their place in their queue, or what they wait for (no live worker takes their kind)
  const standings = await queueStandings(jobs.filter((j) => j.status === "queued").map((j) => j.id)).catch(() => new Map());
  const subject = (j: (typeof jobs)[number]) => {
    const c = conversions.get(j.id);
    return j.experiment ?? (c ? `${c.model ?? "deleted model"} ← ${c.input}` : "");
  };
  return (
    <div className="space-y-6">
      <AutoRefresh seconds={5} />
      <PageHeader title="Jobs" description="Every background job: preparing, training, exporting and converting. This list refreshes itself." />
      <form className="flex flex-wrap items-end gap-3 text-sm" aria-label="Filters">
        <label className="block">
          <span className="block font-medium">Experiment</span>
          <input name="experiment" defaultValue={filter.experiment} className={`${smallSelect} mt-1 h-8 w-44`} />
        </label>
        <label className="block">
          <span className="block font-medium">Status</span>
          <select name="status" defaultValue={filter.status ?? ""} className={`${smallSelect} mt-1 h-8`}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="block font-medium">Kind</span>
          <select name="kind" defaultValue={filter.kind ?? ""} className={`${smallSelect} mt-1 h-8`}>
            <option value="">any</option>
            {QUEUES.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <button className={primaryButton}>Filter</button>
      </form>
      {jobs.length === 0 ? (
        <EmptyState>No jobs match.</EmptyState>
      ) : (
        <DataTable
          label="Jobs"
          rows={jobs}
          rowKey={(j) => j.id}
          columns={[
            {
              key: "job",
              header: "Job",
              primary: true,
              sort: (j) => j.kind,
              cell: (j) => (
                <Link className={`${linkClass} whitespace-nowrap`} href={`/jobs/${j.id}`}>
                  {j.kind} {j.id.slice(0, 8)}
                </Link>
              ),
            },
            {
              key: "subject",
              header: "Experiment / conversion",
              testId: "job-subject",
              truncate: true,
              sort: subject,
              title: (j) => subject(j) || undefined,
              cell: (j) => subject(j) || "—",
            },
            {
              key: "status",
              header: "Status",
              sort: (j) => j.status,
              // the error sits under its status (a column of its own ran past the table's visible edge at 1280 px)
              title: (j) => j.error ?? undefined,
              cell: (j) => (
                <>
                  <StatusBadge status={j.status} />
                  {standings.get(j.id) && (
                    <span className="mt-0.5 block text-xs text-zinc-600 dark:text-zinc-400" data-testid="job-standing">
                      {standings.get(j.id)!.waitingFor ?? `#${standings.get(j.id)!.place} in line`}
                    </span>
                  )}
                  {j.error && (
                    <span className="mt-0.5 block text-xs text-red-700 max-sm:break-all sm:max-w-[14rem] sm:truncate dark:text-red-400" data-testid="job-error">
                      {j.error}
                    </span>
                  )}
                </>
              ),
            },
            { key: "progress", header: "Progress", sort: (j) => j.progress, cell: (j) => `${Math.round(j.progress * 100)}%` },
            { key: "attempts", header: "Attempts", cell: (j) => formatAttempt(j.attempts, maxAttempts(j.kind)).replace(/^attempt /, "") || "1" },
            { key: "created", header: "Created", sort: (j) => new Date(j.createdAt).getTime(), cell: (j) => <span className="whitespace-nowrap">{formatAgo(j.createdAt)}</span> },
          ]}
        />
      )}
    </div>
  );
}
