/**
 * One dedicated LISTEN connection that survives Postgres restarts: on error or end it reconnects
 * with exponential back-off (0.25 s → 10 s) and calls `onReconnect`, so callers can catch up on
 * anything they may have missed while it was down. It logs one line when the connection is lost and
 * one when it is back, not one per attempt.
 */
import pg from "pg";

export interface Listener {
  /** resolves once the first LISTEN is in place */
  ready: Promise<void>;
  /** backend pid of the current connection (tests kill it to prove recovery) */
  pid: () => number | undefined;
  close: () => Promise<void>;
}

export function listen(opts: {
  url: string;
  channels: string[];
  applicationName: string;
  onNotify: (channel: string, payload: string) => void;
  onReconnect?: () => void;
  log?: (msg: string) => void;
}): Listener {
  const log = opts.log ?? ((m: string) => console.warn(`[listen] ${m}`));
  let client: pg.Client | undefined;
  let backendPid: number | undefined;
  let closed = false;
  let delay = 250;
  let first = true;
  let failedAttempts = 0;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: opts.url, application_name: opts.applicationName });
    c.on("notification", (n) => opts.onNotify(n.channel, n.payload ?? ""));
    const lost = (why: string) => {
      if (client !== c) return;
      client = undefined;
      backendPid = undefined;
      c.removeAllListeners("error");
      c.on("error", () => {});
      void c.end().catch(() => {});
      if (!closed) {
        if (failedAttempts++ === 0) log(`connection lost (${why}); reconnecting with back-off up to 10 s`);
        setTimeout(() => void connect(), delay);
        delay = Math.min(delay * 2, 10_000);
      }
    };
    c.on("error", (err) => lost(err.message));
    c.on("end", () => lost("ended"));
    try {
      client = c;
      await c.connect();
      for (const ch of opts.channels) await c.query(`LISTEN "${ch}"`);
      backendPid = (c as unknown as { processID?: number }).processID;
      delay = 250;
      const attempts = failedAttempts;
      failedAttempts = 0;
      if (first) {
        first = false;
        resolveReady();
      } else {
        log(`reconnected (after ${attempts} failed attempt(s))`);
        opts.onReconnect?.();
      }
    } catch (err) {
      lost((err as Error).message);
    }
  };
  void connect();
  return {
    ready,
    pid: () => backendPid,
    close: async () => {
      closed = true;
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
