"use client";
import { useEffect } from "react";
import { getBatch } from "./api";
import { isBatchActive, type Batch } from "./types";
import { Card, DataTable, linkClass, primaryButton, StatusBadge } from "@/components/ui";

const POLL_MS = 2000;

const STATUS_TEXT: Record<Batch["status"], string> = {
  queued: "Queued",
  running: "Converting",
  succeeded: "Done",
  partial: "Done, some clips failed",
  failed: "Failed",
};

/** A batch: overall progress while it runs (re-read every 2 s), each clip's state and output, and the zip of all outputs. */
export function BatchResult({ batch, onUpdate }: { batch: Batch; onUpdate: (b: Batch) => void }) {
  const active = isBatchActive(batch);
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    const timer = setInterval(() => {
      void getBatch(batch.id)
        .then((b) => !cancelled && onUpdate(b))
        .catch(() => undefined);
    }, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [active, batch.id, onUpdate]);

  const pct = Math.round(batch.progress * 100);
  return (
    <Card
      label="Batch"
      data-testid="batch-result"
      title={`Batch · ${batch.model?.name ?? "deleted model"}`}
      actions={
        batch.done > 0 && (
          <a className={primaryButton} href={batch.downloadUrl} download>
            Download all (zip)
          </a>
        )
      }
    >
      <div>
        <p className="text-sm" role="status" data-testid="batch-status">
          {STATUS_TEXT[batch.status]}: {batch.done} of {batch.total} converted{batch.failed > 0 ? `, ${batch.failed} failed` : ""}
        </p>
        <div className="mt-1 h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-700" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Batch progress">
          <div className="h-full bg-indigo-600 transition-all" style={{ width: `${pct}%` }} />
        </div>
      </div>
      <DataTable
        label="Batch clips"
        rows={batch.conversions}
        rowKey={(c) => c.id}
        rowProps={() => ({ "data-testid": "batch-clip" })}
        columns={[
          { key: "input", header: "Clip", primary: true, truncate: true, sort: (c) => c.inputName, title: (c) => c.inputName, cell: (c) => <span className="font-mono">{c.inputName}</span> },
          {
            key: "status",
            header: "Status",
            sort: (c) => c.status,
            title: (c) => c.error ?? undefined,
            cell: (c) => <StatusBadge status={c.status === "running" ? `${Math.round((c.progress ?? 0) * 100)}%` : c.status} tone={c.status === "running" ? "running" : undefined} />,
          },
          {
            key: "output",
            header: "Output",
            cell: (c) =>
              c.audioUrl ? (
                <span className="flex flex-wrap items-center gap-2">
                  <audio controls preload="none" src={c.audioUrl} aria-label={`Converted ${c.inputName}`} className="h-8 w-full max-w-56" />
                  <a className={linkClass} href={`${c.audioUrl}?download=1`} download aria-label={`Download ${c.inputName}`}>
                    Download
                  </a>
                </span>
              ) : (
                "—"
              ),
          },
        ]}
      />
      {batch.skipped.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-amber-800 dark:text-amber-300">{batch.skipped.length} input(s) skipped</summary>
          <ul className="mt-1 list-disc pl-5 text-zinc-600 dark:text-zinc-400">
            {batch.skipped.map((s, i) => (
              <li key={i}>
                <span className="font-mono">{s.name}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Card>
  );
}
