/** The dataset card: totals before and after exclusions, the dataset doctor's flags at a glance, what to fix (server component). */
import type { DatasetCard as Card } from "@/lib/uploads/card";
import type { FlagCode } from "@/lib/dataset/analysis";
import { formatDuration } from "@/lib/format";
import { FlagBadge } from "./dataset/flags";

export function DatasetCard({ card }: { card: Card }) {
  const rates = Object.entries(card.sampleRates);
  const { included } = card;
  const anyExcluded = included.excludedFiles > 0 || included.excludedSlices > 0;
  const flagCounts = Object.entries(card.flagCounts) as [FlagCode, number][];
  const label = "text-xs text-zinc-600 dark:text-zinc-400";
  // with nothing excluded, the doctor's dataset flags about length and rates say what the older warnings say: shown once
  const warnings = card.warnings;
  const has = (code: string) => warnings.some((w) => w.code === code);
  const datasetFlags = card.datasetFlags.filter(
    (f) => anyExcluded || !((f.code === "too_short" && (has("under_1_minute") || has("under_10_minutes"))) || ((f.code as string) === "mixed_sample_rates" && has("mixed_sample_rates"))),
  );
  return (
    <section aria-label="Dataset" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="mb-2 font-semibold">Dataset</h2>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
        <div>
          <dt className={label}>total</dt>
          <dd data-testid="card-total">{formatDuration(card.totalSeconds)}</dd>
        </div>
        <div>
          <dt className={label}>files</dt>
          <dd data-testid="card-count">{card.fileCount}</dd>
        </div>
        <div>
          <dt className={label}>shortest / longest</dt>
          <dd>{card.shortest ? `${formatDuration(card.shortest.seconds)} / ${formatDuration(card.longest!.seconds)}` : "—"}</dd>
        </div>
        <div>
          <dt className={label}>sample rates</dt>
          <dd>{rates.length ? rates.map(([r, n]) => `${Number(r) / 1000} kHz × ${n}`).join(", ") : "—"}</dd>
        </div>
        <div>
          <dt className={label}>trains on</dt>
          <dd data-testid="card-included">
            {formatDuration(included.totalSeconds)} in {included.fileCount} file(s)
          </dd>
        </div>
        <div>
          <dt className={label}>excluded</dt>
          <dd data-testid="card-excluded">
            {anyExcluded ? `${included.excludedFiles} file(s), ${included.excludedSlices} slice(s)` : "nothing"}
          </dd>
        </div>
        <div className="col-span-2">
          <dt className={label}>analysed</dt>
          <dd data-testid="card-analysed">
            {card.analysed} of {card.fileCount} file(s){card.analysed < card.fileCount ? " (the analysis runs by itself after each upload)" : ""}
          </dd>
        </div>
      </dl>
      {flagCounts.length > 0 && (
        <div className="mt-3 flex flex-wrap items-center gap-1.5 text-sm" aria-label="Flags of the included files" data-testid="card-flags">
          <span className={label}>flags:</span>
          {flagCounts.map(([code, n]) => (
            <FlagBadge key={code} flag={{ code, level: code === "clipping" ? "error" : "warning", message: `${n} included file(s) flagged ${code}` }} count={n} />
          ))}
        </div>
      )}
      {(warnings.length > 0 || datasetFlags.length > 0) && (
        <ul className="mt-3 space-y-1 text-sm" aria-label="Dataset warnings">
          {datasetFlags.map((f) => (
            <li
              key={`flag-${f.code}-${f.message}`}
              data-dataset-flag={f.code}
              className={`rounded px-2 py-1 ${f.level === "error" ? "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300" : "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200"}`}
            >
              {anyExcluded ? `After exclusions: ${f.message}` : f.message}
            </li>
          ))}
          {warnings.map((w) => (
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
      {anyExcluded && <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">Exclusions apply to the next training; a model already trained is not changed.</p>}
    </section>
  );
}
