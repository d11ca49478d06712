/**
 * Request and response schemas of the webhook routes (zod 4). The route handlers parse with these through
 * `parseBody`, which turns a zod failure into the API's error shape (400 with the field named).
 */
import { z } from "zod";
import { badRequest } from "../errors";
import { WEBHOOK_EVENT_TYPES } from "../webhooks/events";

export const WEBHOOK_URL_MAX = 2000;
export const WEBHOOK_DESCRIPTION_MAX = 500;

const url = z.string().min(1).max(WEBHOOK_URL_MAX);
const description = z.string().max(WEBHOOK_DESCRIPTION_MAX);
const events = z.array(z.enum(WEBHOOK_EVENT_TYPES)).max(WEBHOOK_EVENT_TYPES.length);

export const CreateWebhookBody = z.strictObject({
  url,
  description: description.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const PatchWebhookBody = z.strictObject({
  url: url.optional(),
  description: description.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});
export type PatchWebhookBody = z.infer<typeof PatchWebhookBody>;

/** Routes without a body (rotate-secret, test, redeliver) take an empty object or none. */
export const EmptyBody = z.strictObject({});

export const WebhookEndpointOut = z.strictObject({
  id: z.uuid(),
  ownerId: z.uuid(),
  ownerName: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const WebhookDeliveryOut = z.strictObject({
  id: z.uuid(),
  endpointId: z.uuid(),
  messageId: z.string(),
  eventType: z.string(),
  payload: z.unknown(),
  attempt: z.int(),
  status: z.enum(["pending", "succeeded", "failed"]),
  responseStatus: z.int().nullable(),
  durationMs: z.int().nullable(),
  error: z.string().nullable(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
  nextAttemptAt: z.date().nullable(),
});

const FIELD_CODES: Record<string, string> = { url: "invalid_url", description: "invalid_description", events: "invalid_events", enabled: "invalid_enabled" };

/**
 * Parse a JSON body with a schema. Unknown fields → 400 `unknown_field` (as everywhere in the API); a bad field →
 * 400 `invalid_<field>` naming it.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const unknown = r.error.issues.find((i) => i.code === "unrecognized_keys");
  if (unknown && unknown.code === "unrecognized_keys") {
    const allowed = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    throw badRequest("unknown_field", `Unknown field(s): ${unknown.keys.join(", ")}; ${allowed.length ? `allowed: ${allowed.join(", ")}` : "this request takes none"}`, {
      fields: unknown.keys,
    });
  }
  const issue = r.error.issues[0]!;
  const field = String(issue.path[0] ?? "body");
  const message = field === "events" ? `events must be a list of: ${WEBHOOK_EVENT_TYPES.join(", ")}` : `${field}: ${issue.message}`;
  throw badRequest(FIELD_CODES[field] ?? "invalid_body", message, { field });
}
