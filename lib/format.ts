/** Human-readable numbers for the UI. Pure. */
export function formatBytes(n: number | bigint | null | undefined): string {
  if (n === null || n === undefined) return "—";
  let v = Number(n);
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

export function formatAgo(date: Date | string, now: Date = new Date()): string {
  const s = Math.max(0, Math.round((now.getTime() - new Date(date).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function formatRate(hz: number): string {
  return `${hz / 1000}k`;
}

/** A progress amount as stored and shown: whole numbers as they are, others to one decimal (306.04947845804986 → 306). */
export function roundProgress(n: number): number {
  return Number.isInteger(n) || !Number.isFinite(n) ? n : Math.round(n * 10) / 10;
}

/** "5m 06s / 5m 06s of audio", "12 / 40 files", "3 / 8": what a progress line shows. Seconds (`s`, `audio s`) as durations. */
export function formatProgress(done: number, total: number, unit?: string | null): string {
  if (unit === "s" || unit === "audio s") return `${formatDuration(done)} / ${formatDuration(total)}${unit === "audio s" ? " of audio" : ""}`;
  return `${roundProgress(done)} / ${roundProgress(total)}${unit ? ` ${unit}` : ""}`;
}

/** "2026-12-01 16:39" in the given time zone (default UTC): the same on server and client, unlike toLocaleString. */
export function formatDateTime(date: Date | string, timeZone = "UTC"): string {
  const d = new Date(date);
  if (Number.isNaN(d.getTime())) return "—";
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${timeZone === "UTC" ? " UTC" : ""}`;
}

/** "16:39:05" (UTC, 24 h): a log line's time, the same on server and client. */
export function formatTime(date: Date | string): string {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? "—" : d.toISOString().slice(11, 19);
}

/**
 * "attempt 2 of 3", counted from 1: a queued job (no delivery yet) is on its first attempt too. Empty when only one
 * attempt is possible (nothing worth saying).
 */
export function formatAttempt(attempts: number, max: number): string {
  if (max <= 1) return "";
  return `attempt ${Math.min(Math.max(attempts, 1), max)} of ${max}`;
}

/** A queued job's standing (the job JSON's `queue`): what it waits for, else its place in its queue. */
export function queueStandingText(q: { name: string; place: number; waitingFor: string | null }): string {
  return q.waitingFor ?? `#${q.place} in line${q.name.endsWith("-gpu") ? " for a GPU worker" : ""}`;
}
