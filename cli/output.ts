/** How the CLI shows things: one-line errors (never a stack), sizes, job events as progress lines. Pure. */
import { ApiError } from "../lib/errors";
import type { JobEvent } from "../lib/client/types";
import { UsageError } from "./args";

/** One line for any error: the API's message and code, a usage hint, or a plain reason; no stack trace. */
export function formatError(err: unknown): string {
  if (err instanceof UsageError) {
    return `error: ${err.message} (${err.command ? `usage: voice-studio ${err.command.usage}` : "see voice-studio --help"})`;
  }
  if (err instanceof ApiError) {
    const where = err.status > 0 ? ` (${err.code}, HTTP ${err.status})` : "";
    const requestId = typeof err.details?.requestId === "string" ? ` [request id ${err.details.requestId}]` : "";
    const hint =
      err.code === "unauthenticated" || err.code === "invalid_token"
        ? "; set VOICE_STUDIO_TOKEN to an API token (Account page → API tokens)"
        : err.code === "forbidden" && err.details?.role === "viewer"
          ? "; this needs a read-write token"
          : "";
    return `error: ${oneLine(err.message)}${where}${requestId}${hint}`;
  }
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code === "ENOENT" && e.path) return `error: no such file or folder: ${e.path}`;
  if (e?.code === "EACCES" && e.path) return `error: permission denied: ${e.path}`;
  if (e?.name === "AbortError") return "error: interrupted";
  return `error: ${oneLine(e?.message ?? String(err))}`;
}

export const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ").trim();

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * Human-readable lines for a job's events, prefixed with the job kind: status changes, logs, and progress at most
 * every 10 % (and at each new stage). Metrics are left to `--json`.
 */
export class EventPrinter {
  private lastBucket = new Map<string, number>();
  private lastStage = new Map<string, string | null>();

  line(kind: string, ev: JobEvent): string | undefined {
    const d = (ev.data ?? {}) as Record<string, unknown>;
    if (ev.kind === "status") {
      const status = String(d.status ?? ev.message ?? "");
      const msg = ev.message && ev.message !== status ? `: ${oneLine(ev.message)}` : "";
      return `[${kind}] ${status}${msg}`;
    }
    if (ev.kind === "log") {
      const level = ev.level && ev.level !== "info" ? `${ev.level}: ` : "";
      return `[${kind}] ${level}${oneLine(ev.message ?? "")}`;
    }
    if (ev.kind === "progress") {
      const percent = typeof d.percent === "number" ? d.percent : 0;
      const stage = typeof d.stage === "string" ? d.stage : null;
      const key = `${ev.jobId}`;
      const bucket = Math.floor(percent / 10);
      if (this.lastBucket.get(key) === bucket && this.lastStage.get(key) === stage) return undefined;
      this.lastBucket.set(key, bucket);
      this.lastStage.set(key, stage);
      const count = typeof d.done === "number" && typeof d.total === "number" ? ` ${d.done}/${d.total}${d.unit ? ` ${d.unit}` : ""}` : "";
      const eta = typeof d.etaSeconds === "number" && d.etaSeconds > 0 ? `, about ${Math.round(d.etaSeconds)} s left` : "";
      return `[${kind}] ${percent.toFixed(0)}%${stage ? ` ${stage}` : ""}${count}${eta}`;
    }
    return undefined;
  }
}
