"use client";
import { useCallback, useEffect, useState } from "react";
import { callApi } from "../api-client";
import { Badge, ErrorText, mutedText, ScrollTable, secondaryButton, When } from "../ui";

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

const TONE = { pending: "plain", succeeded: "good", failed: "warn" } as const;
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
        <p className={`text-sm ${mutedText}`}>Nothing sent yet.</p>
      ) : (
        <ScrollTable label="Delivery attempts">
          <thead>
            <tr className={`text-xs ${mutedText}`}>
              <th className="py-1 pr-3 font-normal">Event</th>
              <th className="py-1 pr-3 font-normal">Attempt</th>
              <th className="py-1 pr-3 font-normal">Status</th>
              <th className="py-1 pr-3 font-normal">Code</th>
              <th className="py-1 pr-3 font-normal">Duration</th>
              <th className="py-1 pr-3 font-normal">Time</th>
              {/* no sr-only text here: absolutely positioned, it would widen the page beyond the table's scroll box */}
              <th className="py-1 font-normal" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} className="border-t border-zinc-200 align-top dark:border-zinc-800" data-testid="delivery-row">
                <td className="py-1.5 pr-3">
                  <code className="whitespace-nowrap">{d.eventType}</code>
                </td>
                <td className="py-1.5 pr-3">{d.attempt}</td>
                <td className="py-1.5 pr-3">
                  <Badge tone={TONE[d.status]}>{d.status}</Badge>
                  {d.error && <div className={`max-w-48 break-words text-xs ${mutedText}`}>{d.error}</div>}
                </td>
                <td className="py-1.5 pr-3" data-testid="delivery-code">
                  {d.responseStatus ?? "—"}
                </td>
                <td className="whitespace-nowrap py-1.5 pr-3">{d.durationMs === null ? "—" : `${d.durationMs} ms`}</td>
                <td className="whitespace-nowrap py-1.5 pr-3">
                  {d.status === "pending" && d.nextAttemptAt ? (
                    <>
                      due <When at={d.nextAttemptAt} />
                    </>
                  ) : (
                    <When at={d.deliveredAt ?? d.createdAt} />
                  )}
                </td>
                <td className="py-1.5">
                  {d.status !== "pending" && enabled && (
                    <button type="button" className={secondaryButton} onClick={() => void redeliver(d)} aria-label={`Redeliver ${d.eventType} attempt ${d.attempt}`}>
                      Redeliver
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </div>
  );
}
