/**
 * Emitting events: find the enabled endpoints that want an event and may see its resource, and queue one message
 * for each. A message is a WebhookDelivery row `pending` (its attempt number) plus one pg-boss job on the `webhook`
 * queue, which the worker delivers (worker/webhooks.ts) with retries and back-off.
 */
import { randomUUID } from "node:crypto";
import { mayChange } from "../auth/ownership";
import { config, requireDatabaseUrl } from "../config";
import type { Db } from "../db";
import { db } from "../db";
import { conflict, unavailable } from "../errors";
import { senderBoss, WEBHOOK_QUEUE, type WebhookPayload } from "../queue";
import { eventList, wantsEvent } from "./events";

export interface WebhookMessage {
  type: string;
  /** when the event happened (ISO 8601) */
  timestamp: string;
  data: Record<string, unknown>;
}

/** `msg_` + 32 hex digits: the webhook-id of one message, the same on every attempt and redelivery. */
export function newMessageId(): string {
  return "msg_" + randomUUID().replace(/-/g, "");
}

/** The exact body sent: keys in the documented order. */
export function messageBody(m: WebhookMessage): string {
  return JSON.stringify({ type: m.type, timestamp: m.timestamp, data: m.data });
}

/** BigInts as numbers (or strings past 2^53), Dates as ISO strings: what JSON the API itself would send. */
export function jsonSafe<T>(value: T): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v)),
  ) as Record<string, unknown>;
}

/** pg-boss delivery settings of one message, from the configuration (WEBHOOK_RETRY_*). */
export function sendOptions() {
  const c = config();
  return {
    retryLimit: c.webhookRetryLimit,
    retryDelay: c.webhookRetryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: c.webhookTimeoutSeconds + 60,
  };
}

/**
 * Queue one attempt of a message to one endpoint: a `pending` row numbered after the message's earlier attempts,
 * and its pg-boss job. Refused (409) while the message has an attempt pending.
 */
export async function enqueueMessage(endpointId: string, messageId: string, message: WebhookMessage, prisma: Db = db()) {
  const row = await prisma.$transaction(async (tx) => {
    // one enqueue per endpoint at a time decides "attempt N" and "nothing pending"
    await tx.$queryRaw`SELECT id FROM "WebhookEndpoint" WHERE id = ${endpointId}::uuid FOR UPDATE`;
    const earlier = await tx.webhookDelivery.findMany({ where: { endpointId, messageId }, select: { attempt: true, status: true } });
    if (earlier.some((d) => d.status === "pending")) {
      throw conflict("delivery_pending", "This message is still being delivered (an attempt is pending); wait for it to end");
    }
    const attempt = earlier.reduce((n, d) => Math.max(n, d.attempt), 0) + 1;
    return tx.webhookDelivery.create({
      data: { endpointId, messageId, eventType: message.type, payload: message as unknown as object, attempt, status: "pending", nextAttemptAt: new Date() },
    });
  });
  try {
    const boss = await senderBoss(requireDatabaseUrl());
    const payload: WebhookPayload = { endpointId, messageId };
    await boss.send(WEBHOOK_QUEUE, payload, sendOptions());
  } catch (err) {
    console.error(`[webhooks] could not queue message ${messageId}:`, err);
    await prisma.webhookDelivery
      .update({ where: { id: row.id }, data: { status: "failed", error: "could not be queued (the job queue is not available)", nextAttemptAt: null } })
      .catch(() => {});
    throw unavailable("queue_unavailable", "The job queue is not available (the server log has the details)");
  }
  return row;
}

/** Who owns the resource an event is about: its creator, and others who may change it too (an experiment's creator). */
export interface EventOwners {
  createdById: string | null;
  alsoOwnedBy?: (string | null)[];
}

/**
 * Queue `type` with `data` for every enabled endpoint (of an enabled user) whose filter wants it and whose owner may
 * see the resource: an admin's endpoint sees every event, a member's those of resources they own (lib/auth/ownership
 * rules). Returns the message id and how many endpoints it was queued for.
 */
export async function emitEvent(type: string, data: Record<string, unknown>, owners: EventOwners, prisma: Db = db()) {
  const endpoints = await prisma.webhookEndpoint.findMany({
    where: { enabled: true, owner: { disabledAt: null } },
    include: { owner: { select: { id: true, role: true } } },
  });
  const targets = endpoints.filter(
    (e) => wantsEvent(eventList(e.events), type) && mayChange({ userId: e.owner.id, role: e.owner.role }, owners.createdById, owners.alsoOwnedBy),
  );
  const messageId = newMessageId();
  const message: WebhookMessage = { type, timestamp: new Date().toISOString(), data: jsonSafe(data) };
  // one endpoint's failure (queue away) does not keep the message from the others
  const failures: unknown[] = [];
  for (const e of targets) await enqueueMessage(e.id, messageId, message, prisma).catch((err: unknown) => failures.push(err));
  if (failures.length) throw failures[0];
  return { messageId, endpoints: targets.length };
}

/** emitEvent for code whose own work must not fail because of a webhook (job bookkeeping): errors are logged. */
export async function emitSafely(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    console.error(`[webhooks] ${what}: could not queue the event:`, err);
  }
}
