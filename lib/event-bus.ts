/**
 * Fan-out of job events inside one web process: one LISTEN connection for all SSE clients.
 * A notification only says "job X has events up to N"; each subscriber then reads its rows from
 * the table after its own cursor, so delivery is in order, without gaps or duplicates, whether the
 * subscriber is new (replay), live, or catching up after the LISTEN connection was lost.
 */
import { requireDatabaseUrl } from "./config";
import { eventsAfter, JOB_EVENTS_CHANNEL, type JobEventRow } from "./job-events";
import { listen, type Listener } from "./pg-listen";

export type EventScope = { jobId: string } | { experimentId: string };

interface Subscriber {
  scope: EventScope;
  cursor: bigint;
  deliver: (rows: JobEventRow[]) => void;
  pulling: boolean;
  again: boolean;
  closed: boolean;
}

const PAGE = 500;
const SAFETY_POLL_MS = 10_000;

export class EventBus {
  private readonly subscribers = new Set<Subscriber>();
  private listener: Listener | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(private readonly url: string) {}

  /** Subscribe from `afterId` (0 = the whole history). Returns the unsubscribe function. */
  async subscribe(scope: EventScope, afterId: bigint, deliver: (rows: JobEventRow[]) => void): Promise<() => void> {
    this.start();
    await this.listener!.ready;
    const sub: Subscriber = { scope, cursor: afterId, deliver, pulling: false, again: false, closed: false };
    this.subscribers.add(sub);
    void this.pull(sub);
    return () => {
      sub.closed = true;
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** backend pid of the LISTEN connection (tests terminate it to prove recovery) */
  listenerPid(): number | undefined {
    return this.listener?.pid();
  }

  private start() {
    if (this.listener) return;
    this.listener = listen({
      url: this.url,
      channels: [JOB_EVENTS_CHANNEL],
      applicationName: "voice-studio-events",
      onNotify: (_ch, payload) => this.onNotify(payload),
      onReconnect: () => this.pullAll(),
    });
    this.poll = setInterval(() => this.pullAll(), SAFETY_POLL_MS);
    this.poll.unref();
  }

  private stop() {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    const l = this.listener;
    this.listener = undefined;
    void l?.close();
  }

  private onNotify(payload: string) {
    const [jobId, lastId, experimentId] = payload.split(":");
    if (!jobId || !lastId) return;
    const last = BigInt(lastId);
    for (const sub of this.subscribers) {
      const match = "jobId" in sub.scope ? sub.scope.jobId === jobId : !!experimentId && sub.scope.experimentId === experimentId;
      if (match && last > sub.cursor) void this.pull(sub);
    }
  }

  private pullAll() {
    for (const sub of this.subscribers) void this.pull(sub);
  }

  private async pull(sub: Subscriber): Promise<void> {
    if (sub.pulling) {
      sub.again = true;
      return;
    }
    sub.pulling = true;
    try {
      do {
        sub.again = false;
        for (;;) {
          const rows = await eventsAfter(sub.scope, sub.cursor, PAGE);
          if (sub.closed || rows.length === 0) break;
          sub.cursor = rows[rows.length - 1]!.id;
          sub.deliver(rows);
          if (rows.length < PAGE) break;
        }
      } while (sub.again && !sub.closed);
    } catch (err) {
      // the database is away: the reconnect or the safety poll will pull again
      console.warn(`[events] read failed: ${(err as Error).message}`);
    } finally {
      sub.pulling = false;
    }
  }
}

const globalForBus = globalThis as unknown as { __voiceStudioEventBus?: EventBus };

export function eventBus(): EventBus {
  globalForBus.__voiceStudioEventBus ??= new EventBus(requireDatabaseUrl());
  return globalForBus.__voiceStudioEventBus;
}
