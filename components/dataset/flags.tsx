/** The dataset doctor's flags as small pills (server and client components). */
import type { Flag, FlagCode } from "@/lib/dataset/analysis";

const LABELS: Record<string, string> = {
  clipping: "clipping",
  low_snr: "noisy",
  band_limited: "band-limited",
  too_quiet: "too quiet",
  too_loud: "too loud",
  dc_offset: "DC offset",
  mostly_silence: "mostly silence",
  little_voiced: "little voice",
  too_short: "too short",
  mixed_sample_rates: "mixed rates",
  wide_pitch_range: "wide pitch range",
};

/** A flag's short name ("band-limited"); a code without one reads as its words. */
export const flagLabel = (code: FlagCode): string => LABELS[code] ?? code.replace(/_/g, " ");

const TONE = {
  error: "bg-red-100 text-red-900 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-800",
  warning: "bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
} as const;

export function FlagBadge({ flag, count }: { flag: Pick<Flag, "code" | "level" | "message">; count?: number }) {
  return (
    <span
      data-flag={flag.code}
      title={flag.message}
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[flag.level]}`}
    >
      {flagLabel(flag.code)}
      {count !== undefined && (
        <>
          {" "}
          <span className="ml-0.5 tabular-nums">× {count}</span>
        </>
      )}
    </span>
  );
}

export function FlagList({ flags, none = "no flags" }: { flags: Flag[]; none?: string }) {
  if (flags.length === 0) return <span className="text-xs text-zinc-600 dark:text-zinc-400">{none}</span>;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {flags.map((f) => (
        <FlagBadge key={f.code} flag={f} />
      ))}
    </span>
  );
}
