"use client";
import { useCallback, useEffect, useState } from "react";
import { callApi } from "../api-client";
import { DataTable, EmptyState, ErrorText, mutedText, secondaryButton, StatusBadge, When } from "../ui";

interface DeliveryView {
  id: string;
  messageId: string;
  eventType: string;
  attempt: number;
  status: "pending" | "succeeded" | "failed";
  responseStatus: number | null;
  durationMs: number | null;
  error: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

const REFRESH_MS = 2000;

/** The endpoint's delivery log, one row per attempt; it refreshes itself while an attempt is pending. */
export function DeliveryLog({ webhookId, version, enabled }: { webhookId: string; version: number; enabled: boolean }) {
  const [rows, setRows] = useState<DeliveryView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  const load = useCallback(async () => {
    try {
      const out = await callApi<{ deliveries: DeliveryView[] }>(`/api/webhooks/${webhookId}/deliveries`);
      setRows(out.deliveries);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [webhookId]);

  useEffect(() => {
    void load();
  }, [load, version, tick]);

  const pending = rows?.some((r) => r.status === "pending") ?? false;
  useEffect(() => {
    // poll while an attempt is on its way (a test event or redelivery makes a pending row at once)
    if (!pending) return;
    const t = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearTimeout(t);
  }, [pending, rows]);

  async function redeliver(d: DeliveryView) {
    setError(null);
    try {
      await callApi(`/api/webhooks/${webhookId}/deliveries/${d.id}/redeliver`, { method: "POST" });
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="mt-3 min-w-0 space-y-2" data-testid="delivery-log">
      <div className="flex items-center gap-2">
        <h3 className="text-sm font-medium">Deliveries</h3>
        <button type="button" className={`text-xs ${mutedText} underline`} onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <ErrorText error={error} />
      {rows === null ? (
        <p className={`text-sm ${mutedText}`}>Loading…</p>
      ) : rows.length === 0 ? (
        <EmptyState>Nothing sent yet. Send a test event to see a delivery here.</EmptyState>
      ) : (
        <DataTable
          label="Delivery attempts"
          rows={rows}
          rowKey={(d) => d.id}
          rowProps={() => ({ "data-testid": "delivery-row" })}
          columns={[
            { key: "event", header: "Event", primary: true, cell: (d) => <code className="whitespace-nowrap">{d.eventType}</code> },
            { key: "attempt", header: "Attempt", cell: (d) => d.attempt },
            {
              key: "status",
              header: "Status",
              cell: (d) => (
                <>
                  <StatusBadge status={d.status} />
                  {d.error && <div className={`max-w-48 break-words text-xs ${mutedText}`}>{d.error}</div>}
                </>
              ),
            },
            { key: "code", header: "Code", testId: "delivery-code", cell: (d) => d.responseStatus ?? "—" },
            { key: "duration", header: "Duration", cell: (d) => <span className="whitespace-nowrap">{d.durationMs === null ? "—" : `${d.durationMs} ms`}</span> },
            {
              key: "time",
              header: "Time",
              cell: (d) =>
                d.status === "pending" && d.nextAttemptAt ? (
                  <span className="whitespace-nowrap">
                    due <When at={d.nextAttemptAt} />
                  </span>
                ) : (
                  <When at={d.deliveredAt ?? d.createdAt} />
                ),
            },
            {
              key: "actions",
              header: "Actions",
              srHeader: true,
              cell: (d) =>
                d.status !== "pending" && enabled ? (
                  <button type="button" className={secondaryButton} onClick={() => void redeliver(d)} aria-label={`Redeliver ${d.eventType} attempt ${d.attempt}`}>
                    Redeliver
                  </button>
                ) : null,
            },
          ]}
        />
      )}
    </div>
  );
}
