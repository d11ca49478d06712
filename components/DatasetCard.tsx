/** The dataset card: totals and what to fix before training (server component, pure rendering). */
import type { DatasetCard as Card } from "@/lib/uploads/card";
import { formatDuration } from "@/lib/format";

export function DatasetCard({ card }: { card: Card }) {
  const rates = Object.entries(card.sampleRates);
  return (
    <section aria-label="Dataset" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="mb-2 font-semibold">Dataset</h2>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">total</dt>
          <dd data-testid="card-total">{formatDuration(card.totalSeconds)}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">files</dt>
          <dd data-testid="card-count">{card.fileCount}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">shortest / longest</dt>
          <dd>
            {card.shortest ? `${formatDuration(card.shortest.seconds)} / ${formatDuration(card.longest!.seconds)}` : "—"}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-600 dark:text-zinc-400">sample rates</dt>
          <dd>{rates.length ? rates.map(([r, n]) => `${Number(r) / 1000} kHz × ${n}`).join(", ") : "—"}</dd>
        </div>
      </dl>
      {card.warnings.length > 0 && (
        <ul className="mt-3 space-y-1 text-sm" aria-label="Dataset warnings">
          {card.warnings.map((w) => (
            <li
              key={w.code}
              data-warning={w.code}
              className={`rounded px-2 py-1 ${w.level === "error" ? "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300" : "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200"}`}
            >
              {w.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
