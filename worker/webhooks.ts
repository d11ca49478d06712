/**
 * Delivers webhook messages (queue `webhook`, lib/webhooks/emit.ts): one POST per attempt, signed as Standard
 * Webhooks describes, with a timeout and no redirects followed. Each attempt is recorded on the message's `pending`
 * WebhookDelivery row (status code, duration, error). A 2xx answer is success; anything else fails the pg-boss job,
 * which retries it with exponential back-off, and the next attempt's row is created `pending` with its due time.
 * After the last retry the attempt stays `failed`.
 */
import type PgBoss from "pg-boss";
import type { Db } from "../lib/db";
import { WEBHOOK_QUEUE, type WebhookPayload } from "../lib/queue";
import { messageBody, type WebhookMessage } from "../lib/webhooks/emit";
import { signedHeaders } from "../lib/webhooks/signing";

export const USER_AGENT = "VoiceStudio-Webhooks/1";
/** deliveries worked at once per worker (each waits at most WEBHOOK_TIMEOUT_SECONDS for its receiver) */
export const WEBHOOK_CONCURRENCY = 4;
/** finished attempts older than this are removed from the delivery log */
export const DELIVERY_LOG_DAYS = 30;

export interface AttemptResult {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

const errorText = (err: unknown): string => {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return (cause ? `${e?.message ?? "fetch failed"} (${cause})` : (e?.message ?? String(err))).slice(0, 500);
};

/** One signed POST. Never throws for the receiver's sake: a timeout or refused connection is a failed attempt. */
export async function postMessage(
  url: string,
  secret: string,
  messageId: string,
  body: string,
  opts: { timeoutSeconds: number; signal?: AbortSignal },
): Promise<AttemptResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = { ...signedHeaders(secret, messageId, timestamp, body), "content-type": "application/json", "user-agent": USER_AGENT };
  const timeout = AbortSignal.timeout(opts.timeoutSeconds * 1000);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const started = performance.now();
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal });
    // the answer's body is not needed: never read (a hostile receiver could send gigabytes)
    await res.body?.cancel().catch(() => {});
    const durationMs = Math.round(performance.now() - started);
    const ok = res.status >= 200 && res.status < 300;
    let error: string | null = null;
    if (!ok) {
      const location = res.headers.get("location");
      error = res.status >= 300 && res.status < 400 ? `HTTP ${res.status}: redirects are not followed${location ? ` (to ${location.slice(0, 200)})` : ""}` : `HTTP ${res.status}`;
    }
    return { ok, responseStatus: res.status, durationMs, error };
  } catch (err) {
    const durationMs = Math.round(performance.now() - started);
    const error = timeout.aborted ? `no answer within ${opts.timeoutSeconds} s` : errorText(err);
    return { ok: false, responseStatus: null, durationMs, error };
  }
}

export interface WebhookWorkOptions {
  prisma: Db;
  timeoutSeconds: number;
  /** aborted when the worker stops: the attempt is left pending and pg-boss delivers it again */
  shutdown: AbortSignal;
}

/**
 * Work one pg-boss job of the `webhook` queue to its end: completed (delivered, or nothing left to send) or failed
 * (pg-boss retries it, or it was the last attempt).
 */
export async function processWebhookJob(boss: PgBoss, job: PgBoss.JobWithMetadata<WebhookPayload>, opts: WebhookWorkOptions): Promise<void> {
  const { prisma } = opts;
  const { endpointId, messageId } = job.data;
  const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id: endpointId } });
  const row = endpoint
    ? await prisma.webhookDelivery.findFirst({ where: { endpointId, messageId, status: "pending" }, orderBy: { attempt: "desc" } })
    : null;
  if (!endpoint || !row) {
    // the endpoint was deleted (its log with it), or this attempt was already recorded
    await boss.complete(WEBHOOK_QUEUE, job.id);
    return;
  }
  if (!endpoint.enabled) {
    await prisma.webhookDelivery.update({
      where: { id: row.id },
      data: { status: "failed", error: "not sent: the endpoint was disabled", deliveredAt: null, nextAttemptAt: null },
    });
    await boss.complete(WEBHOOK_QUEUE, job.id);
    return;
  }
  const result = await postMessage(endpoint.url, endpoint.secret, messageId, messageBody(row.payload as unknown as WebhookMessage), {
    timeoutSeconds: opts.timeoutSeconds,
    signal: opts.shutdown,
  });
  if (!result.ok && opts.shutdown.aborted) {
    // not the receiver's fault: this attempt is made again by the next worker
    await boss.fail(WEBHOOK_QUEUE, job.id, { reason: "the worker stopped during the attempt" });
    return;
  }
  await prisma.webhookDelivery.update({
    where: { id: row.id },
    data: {
      status: result.ok ? "succeeded" : "failed",
      responseStatus: result.responseStatus,
      durationMs: result.durationMs,
      error: result.error,
      deliveredAt: new Date(),
      nextAttemptAt: null,
    },
  });
  // the log keeps DELIVERY_LOG_DAYS of finished attempts per endpoint
  await prisma.webhookDelivery.deleteMany({
    where: { endpointId, createdAt: { lt: new Date(Date.now() - DELIVERY_LOG_DAYS * 86_400_000) }, status: { not: "pending" } },
  });
  if (result.ok) {
    await boss.complete(WEBHOOK_QUEUE, job.id);
    return;
  }
  const retries = job.retryCount < job.retryLimit;
  const next = retries
    ? await prisma.webhookDelivery.create({
        data: { endpointId, messageId, eventType: row.eventType, payload: row.payload as object, attempt: row.attempt + 1, status: "pending" },
      })
    : null;
  await boss.fail(WEBHOOK_QUEUE, job.id, { attempt: row.attempt, error: result.error });
  if (next) {
    // pg-boss chose the retry's time (back-off with jitter): show it
    const after = await boss.getJobById<WebhookPayload>(WEBHOOK_QUEUE, job.id).catch(() => null);
    await prisma.webhookDelivery.update({ where: { id: next.id }, data: { nextAttemptAt: after ? new Date(after.startAfter) : null } });
  }
}
