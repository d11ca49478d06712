"use client";
import { useEffect } from "react";
import { getBatch } from "./api";
import { isBatchActive, type Batch } from "./types";

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
    <section aria-label="Batch" data-testid="batch-result" className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">Batch · {batch.model?.name ?? "deleted model"}</h2>
        {batch.done > 0 && (
          <a className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500" href={batch.downloadUrl} download>
            Download all (zip)
          </a>
        )}
      </div>
      <div>
        <p className="text-sm" role="status" data-testid="batch-status">
          {STATUS_TEXT[batch.status]}: {batch.done} of {batch.total} converted{batch.failed > 0 ? `, ${batch.failed} failed` : ""}
        </p>
        <div className="mt-1 h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-700" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Batch progress">
          <div className="h-full bg-indigo-600 transition-all" style={{ width: `${pct}%` }} />
        </div>
      </div>
      <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Batch clips">
        {batch.conversions.map((c) => (
          <li key={c.id} className="flex flex-wrap items-center gap-2 py-2">
            <span className="min-w-0 flex-1 truncate font-mono" title={c.inputName}>
              {c.inputName}
            </span>
            <span className={c.status === "failed" || c.status === "cancelled" ? "text-red-600" : "text-zinc-500"} title={c.error ?? undefined}>
              {c.status === "running" ? `${Math.round((c.progress ?? 0) * 100)}%` : c.status}
            </span>
            {c.audioUrl && (
              <>
                <audio controls preload="none" src={c.audioUrl} aria-label={`Converted ${c.inputName}`} className="h-8 w-full sm:w-56" />
                <a className="underline" href={`${c.audioUrl}?download=1`} download>
                  Download
                </a>
              </>
            )}
          </li>
        ))}
      </ul>
      {batch.skipped.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-amber-700 dark:text-amber-400">{batch.skipped.length} input(s) skipped</summary>
          <ul className="mt-1 list-disc pl-5 text-zinc-600 dark:text-zinc-400">
            {batch.skipped.map((s, i) => (
              <li key={i}>
                <span className="font-mono">{s.name}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
