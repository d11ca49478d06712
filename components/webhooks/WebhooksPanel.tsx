"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { callApi } from "../api-client";
import { Card, dangerButton, EmptyState, ErrorText, mutedText, secondaryButton, StatusBadge, useConfirm, useToast, When } from "../ui";
import { DeliveryLog } from "./DeliveryLog";
import { NewWebhook, SecretOnce } from "./NewWebhook";

export interface WebhookView {
  id: string;
  ownerId: string;
  ownerName: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Your webhook endpoints (an admin: everyone's): create, enable/disable, test, rotate the secret, delete, delivery log. */
export function WebhooksPanel({ webhooks, showOwner }: { webhooks: WebhookView[]; showOwner: boolean }) {
  const router = useRouter();
  return (
    <div className="space-y-6">
      <Card label="New webhook" title="New endpoint">
        <NewWebhook onCreated={() => router.refresh()} />
      </Card>
      <Card label="Endpoints" title={`Endpoints (${webhooks.length})`}>
        {webhooks.length === 0 ? (
          <EmptyState>No webhook endpoints yet. Add one above with the URL of your receiver.</EmptyState>
        ) : (
          <ul aria-label="Webhook endpoints" className="text-sm">
            {webhooks.map((w) => (
              <Endpoint key={w.id} webhook={w} showOwner={showOwner} onChanged={() => router.refresh()} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function Endpoint({ webhook: w, showOwner, onChanged }: { webhook: WebhookView; showOwner: boolean; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const [logVersion, setLogVersion] = useState(0);
  const [secret, setSecret] = useState<string | null>(null);
  const confirm = useConfirm();
  const toast = useToast();

  async function act(fn: () => Promise<unknown>) {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const toggle = () =>
    act(async () => {
      await callApi(`/api/webhooks/${w.id}`, { method: "PATCH", body: JSON.stringify({ enabled: !w.enabled }) });
      toast(`${w.enabled ? "Disabled" : "Enabled"} the webhook to ${w.url}`);
      onChanged();
    });
  const remove = async () => {
    const yes = await confirm({ title: "Delete this webhook?", message: `The endpoint ${w.url} and its delivery log are deleted.`, confirmLabel: "Delete", danger: true });
    if (!yes) return;
    await act(async () => {
      await callApi(`/api/webhooks/${w.id}`, { method: "DELETE" });
      toast(`Deleted the webhook to ${w.url}`);
      onChanged();
    });
  };
  const test = () =>
    act(async () => {
      await callApi(`/api/webhooks/${w.id}/test`, { method: "POST" });
      toast(`Test event queued for ${w.url}`);
      setShowLog(true);
      setLogVersion((v) => v + 1);
    });
  const rotate = async () => {
    const yes = await confirm({ title: "Make a new secret?", message: "The current one stops being used at once; update your receiver.", confirmLabel: "Make a new secret", danger: true });
    if (!yes) return;
    await act(async () => {
      const out = await callApi<{ secret: string }>(`/api/webhooks/${w.id}/rotate-secret`, { method: "POST" });
      setSecret(out.secret);
    });
  };

  const allEvents = w.events.length === 0 || w.events.length === WEBHOOK_EVENT_TYPES.length;
  return (
    <li className="min-w-0 border-t border-zinc-200 py-3 first:border-t-0 first:pt-0 dark:border-zinc-800" data-testid="webhook-row">
      <div className="flex flex-wrap items-start gap-x-4 gap-y-2">
        <div className="min-w-0 flex-1 basis-64">
          <div className="break-all font-medium" data-testid="webhook-url">
            {w.url}
          </div>
          {w.description && <div className="break-words">{w.description}</div>}
          <div className={`text-xs ${mutedText}`}>
            {showOwner && <>{w.ownerName} · </>}
            {allEvents ? "every event" : w.events.join(", ")} · created <When at={w.createdAt} />
          </div>
        </div>
        <StatusBadge status={w.enabled ? "enabled" : "disabled"} />
      </div>
      <div className="mt-2 flex flex-wrap gap-2">
        <button type="button" className={secondaryButton} disabled={busy || !w.enabled} onClick={test}>
          Send test event
        </button>
        <button type="button" className={secondaryButton} onClick={() => setShowLog(!showLog)} aria-expanded={showLog}>
          {showLog ? "Hide deliveries" : "Deliveries"}
        </button>
        <button type="button" className={secondaryButton} disabled={busy} onClick={toggle}>
          {w.enabled ? "Disable" : "Enable"}
        </button>
        <button type="button" className={secondaryButton} disabled={busy} onClick={() => void rotate()}>
          New secret
        </button>
        <button type="button" className={dangerButton} disabled={busy} onClick={() => void remove()} aria-label={`Delete webhook ${w.url}`}>
          Delete
        </button>
      </div>
      <ErrorText error={error} />
      {secret && <SecretOnce title="New secret made." secret={secret} onDone={() => setSecret(null)} />}
      {showLog && <DeliveryLog webhookId={w.id} version={logVersion} enabled={w.enabled} />}
    </li>
  );
}
