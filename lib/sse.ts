/** Server-sent events for job event streams: replay from Last-Event-ID, then live; heartbeats; prompt release. */
import { badRequest } from "./errors";
import { eventBus, type EventScope } from "./event-bus";
import type { JobEventRow } from "./job-events";

const HEARTBEAT_MS = 15_000;
const MAX_EVENT_ID = 2n ** 63n - 1n;

export function lastEventId(req: Request): bigint {
  const raw = req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("lastEventId") ?? "0";
  // event ids are Postgres bigints: anything past 2^63 - 1 is refused here, not by the database on every poll
  if (!/^\d{1,19}$/.test(raw.trim()) || BigInt(raw.trim()) > MAX_EVENT_ID) {
    throw badRequest("invalid_last_event_id", `Last-Event-ID must be an event id from 0 to ${MAX_EVENT_ID} (got ${JSON.stringify(raw.slice(0, 40))})`);
  }
  return BigInt(raw.trim());
}

export function formatEvent(row: JobEventRow): string {
  const data = {
    id: row.id.toString(),
    jobId: row.jobId,
    kind: row.kind,
    level: row.level,
    message: row.message,
    data: row.data,
    at: row.createdAt.toISOString(),
  };
  // JSON.stringify never emits a raw newline, so the whole payload fits one data: line
  return `id: ${row.id}\nevent: ${row.kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface SseOptions {
  /**
   * Checked before each batch of events and each heartbeat: when it answers false (the token was revoked, the
   * session ended, the user was disabled), the stream sends an `error` event and ends.
   */
  stillAllowed?: () => Promise<boolean>;
}

export function sseResponse(req: Request, scope: EventScope, opts: SseOptions = {}): Response {
  const after = lastEventId(req);
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // writes go through one chain so that the access check never reorders events
      let chain = Promise.resolve();
      const send = (text: string) => {
        if (!opts.stillAllowed) return write(text);
        chain = chain.then(async () => {
          if (!open) return;
          if (await opts.stillAllowed!().catch(() => false)) return write(text);
          write(`event: error\ndata: ${JSON.stringify({ error: { code: "unauthenticated", message: "Access to this stream has ended (log in again or use a valid token)" } })}\n\n`);
          cleanup();
        });
      };
      write(`retry: 2000\n: connected\n\n`);
      const heartbeat = setInterval(() => send(`: ping ${Date.now()}\n\n`), HEARTBEAT_MS);
      let unsubscribe = () => {};
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      req.signal.addEventListener("abort", () => cleanup(), { once: true });
      unsubscribe = await eventBus().subscribe(scope, after, (rows) => send(rows.map(formatEvent).join("")));
      if (!open) unsubscribe();
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
