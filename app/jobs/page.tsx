import { pageUser } from "@/lib/auth/page";
import Link from "next/link";
import { listJobs } from "@/lib/jobs";
import { conversionsOfJobs } from "@/lib/conversions";
import { QUEUES } from "@/lib/queue";
import { formatAgo, formatAttempt } from "@/lib/format";
import { maxAttempts } from "@/lib/queue";
import { AutoRefresh } from "@/components/AutoRefresh";
import { ScrollTable } from "@/components/ui";

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
  const conversions = await conversionsOfJobs(jobs.filter((j) => j.kind === "convert").map((j) => j.id));
  const select = "rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";
  return (
    <div className="space-y-4">
      <AutoRefresh seconds={5} />
      <h1 className="text-2xl font-semibold">Jobs</h1>
      <form className="flex flex-wrap items-end gap-3 text-sm" aria-label="Filters">
        <label>
          Experiment <input name="experiment" defaultValue={filter.experiment} className={select} />
        </label>
        <label>
          Status{" "}
          <select name="status" defaultValue={filter.status ?? ""} className={select}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Kind{" "}
          <select name="kind" defaultValue={filter.kind ?? ""} className={select}>
            <option value="">any</option>
            {QUEUES.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <button className="rounded bg-indigo-600 px-3 py-1 text-white">Filter</button>
      </form>
      {jobs.length === 0 ? (
        <p className="text-sm text-zinc-500">No jobs match.</p>
      ) : (
        <ScrollTable label="Jobs" className="[&_td]:pr-3 [&_th]:pr-3 [&_th]:whitespace-nowrap">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1">Job</th>
              <th>Experiment / conversion</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Attempts</th>
              <th>Created</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} className="border-t border-zinc-200 dark:border-zinc-800">
                <td className="py-1">
                  <Link className="text-indigo-600 hover:underline dark:text-indigo-400" href={`/jobs/${j.id}`}>
                    {j.kind} {j.id.slice(0, 8)}
                  </Link>
                </td>
                <td data-testid="job-subject">
                  {j.experiment ??
                    (conversions.has(j.id) ? (
                      <span title={conversions.get(j.id)!.input}>
                        {conversions.get(j.id)!.model ?? "deleted model"} ← {conversions.get(j.id)!.input}
                      </span>
                    ) : (
                      "—"
                    ))}
                </td>
                <td>{j.status}</td>
                <td>{Math.round(j.progress * 100)}%</td>
                <td>{formatAttempt(j.attempts, maxAttempts(j.kind)).replace(/^attempt /, "") || "1"}</td>
                <td>{formatAgo(j.createdAt)}</td>
                <td className="max-w-xs truncate text-red-600">{j.error}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
