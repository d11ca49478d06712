"use client";
import { useState } from "react";
import { callApi, type Activity } from "../api-client";
import { DataTable, EmptyState, ErrorText, mutedText, secondaryButton, When } from "../ui";

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

  if (rows.length === 0) return <EmptyState>Nothing has happened yet.</EmptyState>;
  return (
    <div className="space-y-3">
      <DataTable
        label="Activity"
        rows={rows}
        rowKey={(a) => a.id}
        rowProps={() => ({ "data-testid": "activity-row" })}
        columns={[
          { key: "when", header: "When", primary: true, sort: (a) => a.at, cell: (a) => <span className={`text-xs tabular-nums ${mutedText}`}><When at={a.at} /></span> },
          { key: "who", header: "Who", sort: (a) => a.userName, cell: (a) => (a.userName ? <span className="font-medium">{a.userName}</span> : <span className={mutedText}>anonymous</span>) },
          { key: "action", header: "Action", sort: (a) => a.action, cell: (a) => <code className="break-all text-xs">{a.action}</code> },
          {
            key: "target",
            header: "Target",
            cell: (a) => (
              <>
                <span className={mutedText}>{a.targetType}</span> {a.targetName ?? a.targetId ?? ""}
              </>
            ),
          },
        ]}
      />
      {more && (
        <button type="button" onClick={loadMore} disabled={busy} className={secondaryButton}>
          {busy ? "Loading…" : "Load more"}
        </button>
      )}
      <ErrorText error={error} />
    </div>
  );
}
