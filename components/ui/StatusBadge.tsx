/**
 * The status of a job, conversion, experiment or file as a coloured pill. One colour per meaning, light and dark,
 * each pair at least 4.5:1 (the -800 text on -100, the -200 text on -950). Unknown statuses are neutral.
 */
const TONES = {
  neutral: "bg-zinc-100 text-zinc-800 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-700",
  active: "bg-sky-100 text-sky-900 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800",
  good: "bg-green-100 text-green-900 ring-green-300 dark:bg-green-950 dark:text-green-200 dark:ring-green-800",
  bad: "bg-red-100 text-red-900 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-800",
  warn: "bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
} as const;

export type StatusTone = keyof typeof TONES;

const STATUS_TONE: Record<string, StatusTone> = {
  queued: "neutral",
  new: "neutral",
  running: "active",
  busy: "active",
  idle: "neutral",
  processing: "active",
  uploaded: "neutral",
  preprocessed: "neutral",
  extracted: "neutral",
  succeeded: "good",
  ready: "good",
  done: "good",
  trained: "good",
  failed: "bad",
  error: "bad",
  cancelled: "warn",
  "out of date": "warn",
  enabled: "good",
  disabled: "warn",
  pending: "active",
};

export function statusTone(status: string): StatusTone {
  return STATUS_TONE[status] ?? "neutral";
}

/** `tone`: the status whose colour to use when the text shown is another (a running clip shows its percentage). */
export function StatusBadge({ status, tone, testId }: { status: string; tone?: string; testId?: string }) {
  const t = statusTone(tone ?? status);
  return (
    <span
      data-testid={testId}
      data-tone={t}
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[t]}`}
    >
      {status}
    </span>
  );
}
