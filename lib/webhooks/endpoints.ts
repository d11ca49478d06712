/**
 * Webhook endpoints (per user; admins see and change all) and their delivery log. The secret is returned only by
 * create and rotate. The server POSTs to whatever http(s) URL a member registers: this is a self-hosted tool, so
 * loopback and private addresses are allowed (local integrations, tests); other schemes and URLs with credentials
 * are refused.
 */
import type { Db, Prisma } from "../db";
import { db } from "../db";
import { badRequest, conflict, notFound } from "../errors";
import { isUuid } from "../ids";
import { WEBHOOK_URL_MAX, type CreateWebhookBody, type PatchWebhookBody } from "../api/webhooks";
import { enqueueMessage, newMessageId, type WebhookMessage } from "./emit";
import { eventList, PING_EVENT } from "./events";
import { newWebhookSecret } from "./signing";

export interface EndpointCaller {
  userId: string;
  admin: boolean;
}

type EndpointRow = Prisma.WebhookEndpointGetPayload<{ include: { owner: { select: { name: true } } } }>;

export function toApiEndpoint(e: EndpointRow) {
  return {
    id: e.id,
    ownerId: e.ownerId,
    ownerName: e.owner.name,
    url: e.url,
    description: e.description,
    events: eventList(e.events),
    enabled: e.enabled,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export function toApiDelivery(d: Prisma.WebhookDeliveryGetPayload<object>) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    messageId: d.messageId,
    eventType: d.eventType,
    payload: d.payload,
    attempt: d.attempt,
    status: d.status,
    responseStatus: d.responseStatus,
    durationMs: d.durationMs,
    error: d.error,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
    nextAttemptAt: d.nextAttemptAt,
  };
}

/** Pure: a URL the server may POST to, normalised; else a 400 `invalid_url` saying why. */
export function checkWebhookUrl(raw: string): string {
  const bad = (why: string) => badRequest("invalid_url", `url ${why}`, { field: "url" });
  if (raw.length > WEBHOOK_URL_MAX) throw bad(`must be at most ${WEBHOOK_URL_MAX} characters`);
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw bad("must be an absolute http:// or https:// URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw bad(`must use http or https (got ${u.protocol.replace(/:$/, "")})`);
  if (u.username || u.password) throw bad("must not carry a user name or password; the signature authenticates the sender");
  if (!u.hostname) throw bad("must name a host");
  u.hash = "";
  return u.toString();
}

const include = { owner: { select: { name: true } } } as const;

export async function listEndpoints(caller: EndpointCaller, prisma: Db = db()) {
  const rows = await prisma.webhookEndpoint.findMany({
    where: caller.admin ? {} : { ownerId: caller.userId },
    include,
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toApiEndpoint);
}

/** The caller's endpoint (admins: anyone's); others' are a 404, like missing ones. */
async function findEndpoint(id: string, caller: EndpointCaller, prisma: Db) {
  const e = isUuid(id) ? await prisma.webhookEndpoint.findUnique({ where: { id }, include }) : null;
  if (!e || (!caller.admin && e.ownerId !== caller.userId)) throw notFound("webhook_not_found", `No webhook endpoint with id "${id.slice(0, 100)}"`, { id: id.slice(0, 100) });
  return e;
}

export async function getEndpoint(id: string, caller: EndpointCaller, prisma: Db = db()) {
  return toApiEndpoint(await findEndpoint(id, caller, prisma));
}

export async function createEndpoint(caller: EndpointCaller, input: CreateWebhookBody, prisma: Db = db()) {
  const url = checkWebhookUrl(input.url);
  const secret = newWebhookSecret();
  const row = await prisma.webhookEndpoint.create({
    data: {
      ownerId: caller.userId,
      url,
      description: input.description?.trim() ?? "",
      events: [...new Set(input.events ?? [])],
      enabled: input.enabled ?? true,
      secret,
    },
    include,
  });
  return { webhook: toApiEndpoint(row), secret };
}

export async function updateEndpoint(id: string, caller: EndpointCaller, input: PatchWebhookBody, prisma: Db = db()) {
  const found = await findEndpoint(id, caller, prisma);
  const row = await prisma.webhookEndpoint.update({
    where: { id: found.id },
    data: {
      ...(input.url !== undefined ? { url: checkWebhookUrl(input.url) } : {}),
      ...(input.description !== undefined ? { description: input.description.trim() } : {}),
      ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    },
    include,
  });
  return toApiEndpoint(row);
}

export async function deleteEndpoint(id: string, caller: EndpointCaller, prisma: Db = db()) {
  const found = await findEndpoint(id, caller, prisma);
  await prisma.webhookEndpoint.delete({ where: { id: found.id } });
  return toApiEndpoint(found);
}

export async function rotateSecret(id: string, caller: EndpointCaller, prisma: Db = db()) {
  const found = await findEndpoint(id, caller, prisma);
  const secret = newWebhookSecret();
  const row = await prisma.webhookEndpoint.update({ where: { id: found.id }, data: { secret }, include });
  return { webhook: toApiEndpoint(row), secret };
}

/** The delivery log of an endpoint, newest first (at most `limit`). */
export async function listDeliveries(id: string, caller: EndpointCaller, limit = 100, prisma: Db = db()) {
  const found = await findEndpoint(id, caller, prisma);
  const rows = await prisma.webhookDelivery.findMany({
    where: { endpointId: found.id },
    orderBy: [{ createdAt: "desc" }, { attempt: "desc" }],
    take: limit,
  });
  return rows.map(toApiDelivery);
}

/** The endpoint and one of its deliveries, for redelivery (404 for either unknown). */
export async function findDelivery(id: string, deliveryId: string, caller: EndpointCaller, prisma: Db = db()) {
  const endpoint = await findEndpoint(id, caller, prisma);
  const d = isUuid(deliveryId) ? await prisma.webhookDelivery.findUnique({ where: { id: deliveryId } }) : null;
  if (!d || d.endpointId !== endpoint.id) throw notFound("delivery_not_found", `No delivery with id "${deliveryId.slice(0, 100)}" for this endpoint`);
  return { endpoint, delivery: d };
}

export function assertEnabled(endpoint: { enabled: boolean }) {
  if (!endpoint.enabled) throw conflict("webhook_disabled", "This endpoint is disabled: enable it first");
}

/** Send a message again (same webhook-id, same body, a new attempt number); refused while one is pending. */
export async function redeliver(id: string, deliveryId: string, caller: EndpointCaller, prisma: Db = db()) {
  const { endpoint, delivery } = await findDelivery(id, deliveryId, caller, prisma);
  assertEnabled(endpoint);
  const row = await enqueueMessage(endpoint.id, delivery.messageId, delivery.payload as unknown as WebhookMessage, prisma);
  return toApiDelivery(row);
}

/** "Send test event": a `ping` message to this endpoint only, whatever its event filter. */
export async function sendTestEvent(id: string, caller: EndpointCaller, prisma: Db = db()) {
  const endpoint = await findEndpoint(id, caller, prisma);
  assertEnabled(endpoint);
  const message: WebhookMessage = {
    type: PING_EVENT,
    timestamp: new Date().toISOString(),
    data: { webhook: { id: endpoint.id, url: endpoint.url }, message: "A test event from Voice Studio" },
  };
  const row = await enqueueMessage(endpoint.id, newMessageId(), message, prisma);
  return toApiDelivery(row);
}
