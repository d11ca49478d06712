/**
 * Telling "the database is away" (Postgres restarting, network gone) from other errors, and saying
 * so once instead of once per poll: while it is down, every failing call reports here; the first
 * one logs a line, the rest are counted, and the first success afterwards logs how long it was.
 */

const CONNECTION_CODES = new Set([
  // node sockets
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH",
  // Postgres: admin shutdown, crash shutdown, cannot connect now, connection exceptions
  "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006",
  // Prisma: can't reach server, timeout, server closed the connection
  "P1001", "P1002", "P1017",
]);

const CONNECTION_MESSAGE =
  /can't reach database server|connection terminated|terminating connection|database system is (starting up|shutting down|not yet accepting|in recovery)|server has closed the connection|timeout exceeded when trying to connect|client has encountered a connection error|econnrefused|econnreset|not queryable/i;

/** True for errors that mean "no usable connection to Postgres right now" (worth retrying later). */
export function isConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
    if (typeof message === "string" && CONNECTION_MESSAGE.test(message)) return true;
  }
  return false;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error || (err && typeof err === "object" && "message" in err) ? String((err as Error).message) : String(err);
  const lines = msg.split("\n").map((l) => l.trim()).filter(Boolean);
  // Prisma puts "Invalid `prisma.x()` invocation:" and a code frame before the reason
  return lines.find((l) => CONNECTION_MESSAGE.test(l)) ?? lines[lines.length - 1] ?? "unknown error";
}

export class DbOutage {
  private since: number | undefined;
  private suppressed = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get down(): boolean {
    return this.since !== undefined;
  }

  /**
   * A database call by `what` failed. Returns true when it was a connection error (now reported or
   * counted); false for other errors, which the caller reports itself.
   */
  failed(what: string, err: unknown): boolean {
    if (!isConnectionError(err)) return false;
    if (this.since === undefined) {
      this.since = this.now();
      this.suppressed = 0;
      this.log(`database unreachable (${what}: ${firstLine(err)}); retrying quietly until it is back`);
    } else {
      this.suppressed++;
    }
    return true;
  }

  /** A database call succeeded: if it was down, say that it is back. */
  ok(): void {
    if (this.since === undefined) return;
    const seconds = Math.round((this.now() - this.since) / 1000);
    this.log(`database reachable again after ${seconds} s (${this.suppressed} more failed call(s) not shown)`);
    this.since = undefined;
  }
}
