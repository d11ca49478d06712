/** The event types a webhook endpoint can subscribe to (one list: API validation, OpenAPI, UI, docs). */
export const WEBHOOK_EVENT_TYPES = [
  "job.succeeded",
  "job.failed",
  "job.cancelled",
  "model.created",
  "conversion.succeeded",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by "Send test event" (POST /api/webhooks/{id}/test), whatever the endpoint's filter. */
export const PING_EVENT = "ping";

export function isWebhookEventType(t: string): t is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(t);
}

/** Pure: does an endpoint with this filter want this event? (empty filter = every event) */
export function wantsEvent(filter: readonly string[], type: string): boolean {
  return filter.length === 0 || filter.includes(type);
}

/** The stored filter (a JSON array of strings). */
export function eventList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
