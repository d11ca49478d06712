/**
 * Specs and schemas (zod 4) of the webhook routes (app/api/webhooks/**; api.md "Webhooks"). The wrapper (lib/http.ts
 * `route(spec, handler)`) parses params and JSON bodies with them (400 `unknown_field`, `invalid_<field>` in the
 * API's error shape); the OpenAPI document is generated from the same specs (lib/openapi.ts). Response shapes follow
 * lib/webhooks/endpoints.ts (toApiEndpoint, toApiDelivery).
 */
import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "../webhooks/events";
import { EmptyBody, oneOf, PathId, Timestamp, Uuid } from "./common";
import { BODY_CODES, DB_DOWN, defineRoute, err, INTERNAL, ok, QUEUE_DOWN } from "./spec";

export const WEBHOOK_URL_MAX = 2000;
export const WEBHOOK_DESCRIPTION_MAX = 500;

const url = z
  .string({ error: "is required: an http:// or https:// URL" })
  .min(1, { error: "is required: an http:// or https:// URL" })
  .max(WEBHOOK_URL_MAX, { error: `must be at most ${WEBHOOK_URL_MAX} characters` })
  .meta({ description: "http:// or https://, without user name or password" });
const description = z.string({ error: `must be a text of at most ${WEBHOOK_DESCRIPTION_MAX} characters` }).max(WEBHOOK_DESCRIPTION_MAX, {
  error: `must be at most ${WEBHOOK_DESCRIPTION_MAX} characters`,
});
const events = z
  .array(oneOf(WEBHOOK_EVENT_TYPES), { error: `must be a list of: ${WEBHOOK_EVENT_TYPES.join(", ")}` })
  .max(WEBHOOK_EVENT_TYPES.length, { error: `must be a list of: ${WEBHOOK_EVENT_TYPES.join(", ")}` })
  .meta({ description: "event types it wants; empty or absent: every event" });
const enabled = z.boolean({ error: "must be true or false" });

export const CreateWebhookBody = z.strictObject({
  url,
  description: description.optional(),
  events: events.optional(),
  enabled: enabled.optional().meta({ description: "default true" }),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const PatchWebhookBody = z.strictObject({
  url: url.optional(),
  description: description.optional(),
  events: events.optional(),
  enabled: enabled.optional(),
});
export type PatchWebhookBody = z.infer<typeof PatchWebhookBody>;

export const WebhookEndpoint = z
  .strictObject({
    id: Uuid,
    ownerId: Uuid.meta({ description: "the user who registered it; it gets events about what that user owns (an admin's: all)" }),
    ownerName: z.string(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()).meta({ description: "event types it wants; empty: every event" }),
    enabled: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "WebhookEndpoint" });

export const WebhookDelivery = z
  .strictObject({
    id: Uuid,
    endpointId: Uuid,
    messageId: z.string().meta({ description: "the `webhook-id` header: the same for every attempt and redelivery of one message" }),
    eventType: z.string().meta({ description: `${WEBHOOK_EVENT_TYPES.join(", ")} or ping` }),
    payload: z.unknown().meta({ type: "object", description: "the message body: {type, timestamp, data}" }),
    attempt: z.int().min(1).meta({ description: "1 for the first attempt, counting on over retries and redeliveries" }),
    status: z.enum(["pending", "succeeded", "failed"]),
    responseStatus: z.int().nullable().meta({ description: "the receiver's HTTP status; null when none came (timeout, refused)" }),
    durationMs: z.int().nullable(),
    error: z.string().nullable(),
    createdAt: Timestamp,
    deliveredAt: Timestamp.nullable(),
    nextAttemptAt: Timestamp.nullable().meta({ description: "when a pending attempt is due" }),
  })
  .meta({ id: "WebhookDelivery" });

const Secret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{43}=$/)
  .meta({ description: "`whsec_` + base64 of 32 random bytes; shown only here" });

const WebhookParams = z.strictObject({ id: PathId.meta({ description: "webhook endpoint id" }) });
const DeliveryParams = z.strictObject({
  id: PathId.meta({ description: "webhook endpoint id" }),
  deliveryId: PathId.meta({ description: "any attempt of the message" }),
});
const FIELD_CODES = ["invalid_url", "invalid_description", "invalid_events", "invalid_enabled"] as const;
const noEndpoint = err("No such endpoint of yours", ["webhook_not_found"]);
const tags = ["webhooks"];

export const listWebhooks = defineRoute({
  method: "GET",
  path: "/api/webhooks",
  operationId: "listWebhooks",
  access: "member",
  tags,
  summary: "Your webhook endpoints (admins: everyone's); never their secrets",
  responses: { 200: ok("Newest first", z.strictObject({ webhooks: z.array(WebhookEndpoint) })), 500: INTERNAL, 503: DB_DOWN },
});

export const createWebhook = defineRoute({
  method: "POST",
  path: "/api/webhooks",
  operationId: "createWebhook",
  access: "member",
  tags,
  summary: "Register an endpoint; the signing secret is in this answer only",
  description:
    "Every event the endpoint wants (and may see) is POSTed to `url`, signed as Standard Webhooks describes (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The server posts to any http(s) URL, loopback and private addresses included.",
  body: CreateWebhookBody,
  responses: {
    201: ok("Created", z.strictObject({ webhook: WebhookEndpoint, secret: Secret })),
    400: err("Bad input", [...BODY_CODES, "unknown_field", ...FIELD_CODES]),
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const getWebhook = defineRoute({
  method: "GET",
  path: "/api/webhooks/{id}",
  operationId: "getWebhook",
  access: "member",
  tags,
  summary: "One endpoint",
  params: WebhookParams,
  responses: { 200: ok("The endpoint", z.strictObject({ webhook: WebhookEndpoint })), 404: noEndpoint, 500: INTERNAL, 503: DB_DOWN },
});

export const updateWebhook = defineRoute({
  method: "PATCH",
  path: "/api/webhooks/{id}",
  operationId: "updateWebhook",
  access: "member",
  tags,
  summary: "Change url, description, events or enabled (a disabled endpoint gets nothing)",
  params: WebhookParams,
  body: PatchWebhookBody,
  bodyRequired: true,
  responses: {
    200: ok("Changed", z.strictObject({ webhook: WebhookEndpoint })),
    400: err("Bad input", [...BODY_CODES, "unknown_field", ...FIELD_CODES]),
    404: noEndpoint,
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const deleteWebhook = defineRoute({
  method: "DELETE",
  path: "/api/webhooks/{id}",
  operationId: "deleteWebhook",
  access: "member",
  tags,
  summary: "Delete the endpoint and its delivery log; messages still queued for it are dropped",
  params: WebhookParams,
  responses: { 200: ok("Deleted", z.strictObject({ webhook: WebhookEndpoint })), 404: noEndpoint, 500: INTERNAL, 503: DB_DOWN },
});

export const rotateWebhookSecret = defineRoute({
  method: "POST",
  path: "/api/webhooks/{id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  access: "member",
  tags,
  summary: "A new signing secret, shown this once; the old one signs nothing from now on",
  params: WebhookParams,
  body: EmptyBody,
  responses: {
    200: ok("Rotated", z.strictObject({ webhook: WebhookEndpoint, secret: Secret })),
    400: err("Bad input", [...BODY_CODES, "unknown_field"]),
    404: noEndpoint,
    500: INTERNAL,
    503: DB_DOWN,
  },
});

export const listWebhookDeliveries = defineRoute({
  method: "GET",
  path: "/api/webhooks/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  access: "member",
  tags,
  summary: "The delivery log: one row per attempt (status code, duration, error), newest first, the last 100",
  params: WebhookParams,
  responses: { 200: ok("The attempts", z.strictObject({ deliveries: z.array(WebhookDelivery) })), 404: noEndpoint, 500: INTERNAL, 503: DB_DOWN },
});

export const redeliverWebhook = defineRoute({
  method: "POST",
  path: "/api/webhooks/{id}/deliveries/{deliveryId}/redeliver",
  operationId: "redeliverWebhook",
  access: "member",
  tags,
  summary: "Send that attempt's message again: same webhook-id and body, the next attempt number, fresh retries",
  params: DeliveryParams,
  body: EmptyBody,
  responses: {
    202: ok("Queued (pending)", z.strictObject({ delivery: WebhookDelivery })),
    400: err("Bad input", [...BODY_CODES, "unknown_field"]),
    404: err("No such endpoint of yours, or no such delivery of it", ["webhook_not_found", "delivery_not_found"]),
    409: err("The endpoint is disabled, or the message has an attempt pending", ["webhook_disabled", "delivery_pending"]),
    500: INTERNAL,
    503: QUEUE_DOWN,
  },
});

export const testWebhook = defineRoute({
  method: "POST",
  path: "/api/webhooks/{id}/test",
  operationId: "testWebhook",
  access: "member",
  tags,
  summary: "Queue a `ping` event to this endpoint, whatever its event filter",
  params: WebhookParams,
  body: EmptyBody,
  responses: {
    202: ok("Queued (pending)", z.strictObject({ delivery: WebhookDelivery })),
    400: err("Bad input", [...BODY_CODES, "unknown_field"]),
    404: noEndpoint,
    409: err("The endpoint is disabled", ["webhook_disabled"]),
    500: INTERNAL,
    503: QUEUE_DOWN,
  },
});
