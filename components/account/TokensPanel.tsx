"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { callApi, type ApiToken } from "../api-client";
import { Badge, cardClass, DataTable, dangerButton, ErrorText, When, inputClass, mutedText, primaryButton, secondaryButton, smallSelect, useConfirm, useToast } from "../ui";

/** A token as GET /api/tokens answers it (lib/api/common.ts). */
export type TokenView = ApiToken;

const SCOPE_LABEL = { read: "read-only", write: "read-write" } as const;

/**
 * API tokens: "own" (the Account page: create, list, revoke yours) or "all" (an admin's view of everyone's, with
 * the owner, revoke only). The list comes from the server page; changes refresh it.
 */
export function TokensPanel({ tokens, mode }: { tokens: TokenView[]; mode: "own" | "all" }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const confirm = useConfirm();
  const toast = useToast();

  async function revoke(t: TokenView) {
    const whose = mode === "all" && t.userName ? ` of ${t.userName}` : "";
    const yes = await confirm({ title: `Revoke the token “${t.name}”${whose}?`, message: "Scripts that use it stop working at once.", confirmLabel: "Revoke", danger: true });
    if (!yes) return;
    setError(null);
    try {
      await callApi(`/api/tokens/${t.id}`, { method: "DELETE" });
      toast(`Revoked “${t.name}”`);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const active = tokens.filter((t) => !t.revokedAt);
  const revoked = tokens.filter((t) => t.revokedAt);
  const shown = showRevoked ? tokens : active;
  const title = mode === "own" ? "API tokens" : "Everyone's API tokens";
  return (
    <section aria-label={title} className={`${cardClass} space-y-3`}>
      <h2 className="font-semibold">{title}</h2>
      {mode === "own" && (
        <>
          <p className={`text-sm ${mutedText}`}>
            For scripts: send <code className="whitespace-nowrap">Authorization: Bearer vs_…</code>. A read-only token can read and download; a read-write
            token acts with your role.
          </p>
          <NewToken onCreated={() => router.refresh()} />
        </>
      )}
      {shown.length === 0 ? (
        <p className={`text-sm ${mutedText}`}>{mode === "own" ? "You have no API tokens." : "No API tokens."}</p>
      ) : (
        <DataTable
          label="Tokens"
          rows={shown}
          rowKey={(t) => t.id}
          rowProps={(t) => ({ "data-testid": "token-row", className: t.revokedAt ? "opacity-70" : undefined })}
          columns={[
            { key: "name", header: "Name", primary: true, sort: (t) => t.name, cell: (t) => <span className="break-words font-medium">{t.name}</span> },
            ...(mode === "all" ? [{ key: "owner", header: "Owner", sort: (t: TokenView) => t.userName, cell: (t: TokenView) => t.userName ?? "—" }] : []),
            { key: "key", header: "Key", cell: (t) => <code className="whitespace-nowrap text-xs">{t.prefix}…</code> },
            { key: "access", header: "Access", sort: (t) => t.scope, cell: (t) => <Badge tone={t.scope === "write" ? "warn" : "plain"}>{SCOPE_LABEL[t.scope]}</Badge> },
            { key: "created", header: "Created", sort: (t) => t.createdAt, cell: (t) => <When at={t.createdAt} /> },
            { key: "used", header: "Last used", testId: "token-last-used", sort: (t) => t.lastUsedAt, cell: (t) => <When at={t.lastUsedAt} /> },
            {
              key: "actions",
              header: "Actions",
              srHeader: true,
              align: "right",
              cell: (t) =>
                t.revokedAt ? (
                  <span className={`text-xs ${mutedText}`}>
                    revoked <When at={t.revokedAt} />
                  </span>
                ) : (
                  <button type="button" onClick={() => revoke(t)} className={dangerButton} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </button>
                ),
            },
          ]}
        />
      )}
      {revoked.length > 0 && (
        <button type="button" className={`text-xs ${mutedText} underline`} onClick={() => setShowRevoked(!showRevoked)}>
          {showRevoked ? "Hide revoked tokens" : `Show ${revoked.length} revoked`}
        </button>
      )}
      <ErrorText error={error} />
    </section>
  );
}

/** Create a token; its secret is shown here once, with a copy button. */
function NewToken({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"read" | "write">("read");
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const secretRef = useRef<HTMLElement>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const out = await callApi<{ token: ApiToken; secret: string }>("/api/tokens", { method: "POST", body: JSON.stringify({ name, scope }) });
      setCreated({ name: out.token.name, secret: out.secret });
      setCopied(false);
      setName("");
      onCreated();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      // no clipboard (e.g. plain http on another host): select the text for Ctrl-C
      const sel = window.getSelection();
      if (sel && secretRef.current) sel.selectAllChildren(secretRef.current);
    }
  }

  return (
    <div className="space-y-3">
      <form onSubmit={submit} aria-label="New token" className="flex flex-wrap items-end gap-3">
        <label className="block min-w-0 flex-1 basis-56 text-sm">
          Token name
          <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. nightly export" maxLength={100} required />
        </label>
        <label className="block text-sm">
          Access
          <select className={`mt-1 block ${smallSelect} py-1.5`} value={scope} onChange={(e) => setScope(e.target.value as "read" | "write")}>
            <option value="read">read-only</option>
            <option value="write">read-write</option>
          </select>
        </label>
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? "Creating…" : "Create token"}
        </button>
      </form>
      <ErrorText error={error} />
      {created && (
        <div role="status" aria-label="New token secret" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
          <p className="font-medium text-amber-900 dark:text-amber-100">
            Token “{created.name}” created. Copy it now: you will not see it again.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code
              ref={secretRef}
              data-testid="token-secret"
              className="min-w-0 flex-1 basis-64 break-all rounded bg-white px-2 py-1 font-mono text-xs text-zinc-900 select-all dark:bg-zinc-900 dark:text-zinc-100"
            >
              {created.secret}
            </code>
            <button type="button" onClick={copy} className={secondaryButton}>
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" onClick={() => setCreated(null)} className={`text-xs ${mutedText} underline`}>
              Done, hide it
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
