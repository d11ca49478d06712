"use client";
import { useState } from "react";
import { callApi, type Activity } from "../api-client";
import { ErrorText, mutedText, secondaryButton, When } from "../ui";

/** An activity entry as GET /api/activity answers it (lib/api/common.ts), without its details. */
export type ActivityView = Omit<Activity, "details">;

/** Who did what, newest first; "Load more" pages back with the `before` cursor of GET /api/activity. */
export function ActivityList({ initial, pageSize }: { initial: ActivityView[]; pageSize: number }) {
  const [rows, setRows] = useState(initial);
  const [more, setMore] = useState(initial.length === pageSize);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function loadMore() {
    const last = rows[rows.length - 1];
    if (!last) return;
    setBusy(true);
    setError(null);
    try {
      const { activity } = await callApi<{ activity: Activity[] }>(`/api/activity?limit=${pageSize}&before=${last.id}`);
      setRows((r) => [...r, ...activity]);
      setMore(activity.length === pageSize);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (rows.length === 0) return <p className={`text-sm ${mutedText}`}>Nothing has happened yet.</p>;
  return (
    <div className="space-y-3">
      <ul aria-label="Activity" className="text-sm">
        {rows.map((a) => (
          // a phone: the time on its own line above who/what; wider: four columns
          <li
            key={a.id}
            data-testid="activity-row"
            className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 border-t border-zinc-200 py-2 first:border-t-0 sm:grid sm:grid-cols-[10rem_minmax(0,12rem)_minmax(0,12rem)_minmax(0,1fr)] sm:gap-x-4 dark:border-zinc-800"
          >
            <span className={`w-full text-xs tabular-nums sm:w-auto ${mutedText}`}>
              <When at={a.at} />
            </span>
            <span className="min-w-0 break-words font-medium">{a.userName ?? <span className={`font-normal ${mutedText}`}>anonymous</span>}</span>
            <code className="min-w-0 break-all text-xs">{a.action}</code>
            <span className="min-w-0 break-words">
              <span className={mutedText}>{a.targetType}</span> {a.targetName ?? a.targetId ?? ""}
            </span>
          </li>
        ))}
      </ul>
      {more && (
        <button type="button" onClick={loadMore} disabled={busy} className={secondaryButton}>
          {busy ? "Loading…" : "Load more"}
        </button>
      )}
      <ErrorText error={error} />
    </div>
  );
}
