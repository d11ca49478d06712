"use client";
import { useRef, useState } from "react";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { callApi } from "../api-client";
import { ErrorText, Field, inputClass, mutedText, primaryButton, secondaryButton } from "../ui";

/** Register an endpoint: URL, description, the events it wants (none ticked: every event); the secret is shown once. */
export function NewWebhook({ onCreated }: { onCreated: () => void }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const out = await callApi<{ secret: string }>("/api/webhooks", { method: "POST", body: JSON.stringify({ url, description, events }) });
      setSecret(out.secret);
      setUrl("");
      setDescription("");
      setEvents([]);
      onCreated();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const flip = (t: string) => setEvents((cur) => (cur.includes(t) ? cur.filter((x) => x !== t) : [...cur, t]));
  return (
    <div className="space-y-3">
      <form onSubmit={submit} aria-label="New webhook endpoint" className="space-y-3">
        <Field label="URL" help="Where Voice Studio POSTs each event (http or https).">
          {(c) => (
            <input {...c} className={inputClass} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks/voice-studio" maxLength={2000} required />
          )}
        </Field>
        <Field
          label={
            <>
              Description <span className={`font-normal ${mutedText}`}>(optional)</span>
            </>
          }
        >
          {(c) => <input {...c} className={inputClass} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />}
        </Field>
        <fieldset className="text-sm">
          <legend className="font-medium">
            Events <span className={`font-normal ${mutedText}`}>(none ticked: every event)</span>
          </legend>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {WEBHOOK_EVENT_TYPES.map((t) => (
              <label key={t} className="flex items-center gap-1.5">
                <input type="checkbox" checked={events.includes(t)} onChange={() => flip(t)} />
                <code>{t}</code>
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? "Adding…" : "Add endpoint"}
        </button>
      </form>
      <ErrorText error={error} />
      {secret && <SecretOnce title="Endpoint added." secret={secret} onDone={() => setSecret(null)} />}
    </div>
  );
}

/** A signing secret shown once, with a copy button. */
export function SecretOnce({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const ref = useRef<HTMLElement>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // no clipboard (plain http on another host): select the text for Ctrl-C
      const sel = window.getSelection();
      if (sel && ref.current) sel.selectAllChildren(ref.current);
    }
  }
  return (
    <div role="status" aria-label="Webhook secret" className="mt-2 space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
      <p className="font-medium text-amber-900 dark:text-amber-100">{title} Copy the signing secret now: you will not see it again.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          ref={ref}
          data-testid="webhook-secret"
          className="min-w-0 flex-1 basis-64 break-all rounded bg-white px-2 py-1 font-mono text-xs text-zinc-900 select-all dark:bg-zinc-900 dark:text-zinc-100"
        >
          {secret}
        </code>
        <button type="button" onClick={copy} className={secondaryButton}>
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={onDone} className={`text-xs ${mutedText} underline`}>
          Done, hide it
        </button>
      </div>
    </div>
  );
}
