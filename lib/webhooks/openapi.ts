/**
 * The OpenAPI path objects of the webhook routes (app/api/webhooks/**), merged into lib/openapi.ts's `paths`
 * (which adds each operation's 401/403/415 from its `x-required-role`). Schemas are inline so this module stands
 * alone; shapes follow lib/webhooks/endpoints.ts (toApiEndpoint, toApiDelivery).
 */
import { WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX } from "../api/webhooks";
import { WEBHOOK_EVENT_TYPES } from "./events";

type Obj = Record<string, unknown>;
const JSON_TYPE = "application/json";

const time = { type: "string", format: "date-time" };
const uuid = { type: "string", format: "uuid" };
const nullable = (type: string) => ({ type: [type, "null"] });

function obj(properties: Record<string, Obj>, optional: readonly string[] = []): Obj {
  return { type: "object", properties, required: Object.keys(properties).filter((k) => !optional.includes(k)), additionalProperties: false };
}

function error(description: string, codes: readonly string[]): Obj {
  return {
    description: `${description}. Codes: ${codes.map((c) => `\`${c}\``).join(", ")}`,
    content: {
      [JSON_TYPE]: {
        schema: {
          allOf: [
            { $ref: "#/components/schemas/Error" },
            { type: "object", properties: { error: { type: "object", properties: { code: { type: "string", enum: [...codes] } } } } },
          ],
        },
      },
    },
  };
}

const ok = (description: string, schema: Obj): Obj => ({ description, content: { [JSON_TYPE]: { schema } } });
const jsonBody = (schema: Obj, required = true): Obj => ({ required, content: { [JSON_TYPE]: { schema } } });
const internal = { $ref: "#/components/responses/Internal" };
const dbDown = { $ref: "#/components/responses/DatabaseUnavailable" };
const queueDown = error("The database or the job queue is not reachable", ["database_unavailable", "queue_unavailable"]);

const BODY_CODES = ["invalid_json", "invalid_body", "unknown_field"] as const;
const FIELD_CODES = ["invalid_url", "invalid_description", "invalid_events", "invalid_enabled"] as const;

const eventType = { type: "string", enum: [...WEBHOOK_EVENT_TYPES] };

const endpoint = obj({
  id: uuid,
  ownerId: { ...uuid, description: "the user who registered it; it gets events about what that user owns (an admin's: all)" },
  ownerName: { type: "string" },
  url: { type: "string" },
  description: { type: "string" },
  events: { type: "array", items: { type: "string" }, description: "event types it wants; empty: every event" },
  enabled: { type: "boolean" },
  createdAt: time,
  updatedAt: time,
});

const delivery = obj({
  id: uuid,
  endpointId: uuid,
  messageId: { type: "string", description: "the `webhook-id` header: the same for every attempt and redelivery of one message" },
  eventType: { type: "string", description: `${WEBHOOK_EVENT_TYPES.join(", ")} or ping` },
  payload: {
    type: "object",
    description: "the message body: {type, timestamp, data}",
    properties: { type: { type: "string" }, timestamp: { type: "string" }, data: { type: "object" } },
    required: ["type", "timestamp", "data"],
  },
  attempt: { type: "integer", minimum: 1, description: "1 for the first attempt, counting on over retries and redeliveries" },
  status: { type: "string", enum: ["pending", "succeeded", "failed"] },
  responseStatus: { ...nullable("integer"), description: "the receiver's HTTP status; null when none came (timeout, refused)" },
  durationMs: nullable("integer"),
  error: nullable("string"),
  createdAt: time,
  deliveredAt: { type: ["string", "null"], format: "date-time" },
  nextAttemptAt: { type: ["string", "null"], format: "date-time", description: "when a pending attempt is due" },
});

const secret = { type: "string", pattern: "^whsec_[A-Za-z0-9+/]{43}=$", description: "`whsec_` + base64 of 32 random bytes; shown only here" };
const url = { type: "string", minLength: 1, maxLength: WEBHOOK_URL_MAX, description: "http:// or https://, without user name or password" };
const fields = {
  url,
  description: { type: "string", maxLength: WEBHOOK_DESCRIPTION_MAX },
  events: { type: "array", items: eventType, description: "empty or absent: every event" },
  enabled: { type: "boolean", default: true },
};
const emptyBody = jsonBody(obj({}), false);
const idParam = { name: "id", in: "path", required: true, description: "webhook endpoint id", schema: uuid };
const noEndpoint = error("No such endpoint of yours", ["webhook_not_found"]);
const tags = ["webhooks"];
const role = "member";

export const paths: Record<string, Obj> = {
  "/api/webhooks": {
    get: {
      operationId: "listWebhooks",
      tags,
      summary: "Your webhook endpoints (admins: everyone's); never their secrets",
      "x-required-role": role,
      responses: { "200": ok("Newest first", obj({ webhooks: { type: "array", items: endpoint } })), "500": internal, "503": dbDown },
    },
    post: {
      operationId: "createWebhook",
      tags,
      summary: "Register an endpoint; the signing secret is in this answer only",
      description:
        "Every event the endpoint wants (and may see) is POSTed to `url`, signed as Standard Webhooks describes (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The server posts to any http(s) URL, loopback and private addresses included.",
      "x-required-role": role,
      requestBody: jsonBody(obj(fields, ["description", "events", "enabled"])),
      responses: {
        "201": ok("Created", obj({ webhook: endpoint, secret })),
        "400": error("Bad input", [...BODY_CODES, ...FIELD_CODES]),
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/webhooks/{id}": {
    parameters: [idParam],
    get: {
      operationId: "getWebhook",
      tags,
      summary: "One endpoint",
      "x-required-role": role,
      responses: { "200": ok("The endpoint", obj({ webhook: endpoint })), "404": noEndpoint, "500": internal, "503": dbDown },
    },
    patch: {
      operationId: "updateWebhook",
      tags,
      summary: "Change url, description, events or enabled (a disabled endpoint gets nothing)",
      "x-required-role": role,
      requestBody: jsonBody(obj(fields, ["url", "description", "events", "enabled"])),
      responses: {
        "200": ok("Changed", obj({ webhook: endpoint })),
        "400": error("Bad input", [...BODY_CODES, ...FIELD_CODES]),
        "404": noEndpoint,
        "500": internal,
        "503": dbDown,
      },
    },
    delete: {
      operationId: "deleteWebhook",
      tags,
      summary: "Delete the endpoint and its delivery log; messages still queued for it are dropped",
      "x-required-role": role,
      responses: { "200": ok("Deleted", obj({ webhook: endpoint })), "404": noEndpoint, "500": internal, "503": dbDown },
    },
  },
  "/api/webhooks/{id}/rotate-secret": {
    parameters: [idParam],
    post: {
      operationId: "rotateWebhookSecret",
      tags,
      summary: "A new signing secret, shown this once; the old one signs nothing from now on",
      "x-required-role": role,
      requestBody: emptyBody,
      responses: {
        "200": ok("Rotated", obj({ webhook: endpoint, secret })),
        "400": error("Bad input", BODY_CODES),
        "404": noEndpoint,
        "500": internal,
        "503": dbDown,
      },
    },
  },
  "/api/webhooks/{id}/deliveries": {
    parameters: [idParam],
    get: {
      operationId: "listWebhookDeliveries",
      tags,
      summary: "The delivery log: one row per attempt (status code, duration, error), newest first, the last 100",
      "x-required-role": role,
      responses: { "200": ok("The attempts", obj({ deliveries: { type: "array", items: delivery } })), "404": noEndpoint, "500": internal, "503": dbDown },
    },
  },
  "/api/webhooks/{id}/deliveries/{deliveryId}/redeliver": {
    parameters: [idParam, { name: "deliveryId", in: "path", required: true, description: "any attempt of the message", schema: uuid }],
    post: {
      operationId: "redeliverWebhook",
      tags,
      summary: "Send that attempt's message again: same webhook-id and body, the next attempt number, fresh retries",
      "x-required-role": role,
      requestBody: emptyBody,
      responses: {
        "202": ok("Queued (pending)", obj({ delivery })),
        "400": error("Bad input", BODY_CODES),
        "404": error("No such endpoint of yours, or no such delivery of it", ["webhook_not_found", "delivery_not_found"]),
        "409": error("The endpoint is disabled, or the message has an attempt pending", ["webhook_disabled", "delivery_pending"]),
        "500": internal,
        "503": queueDown,
      },
    },
  },
  "/api/webhooks/{id}/test": {
    parameters: [idParam],
    post: {
      operationId: "testWebhook",
      tags,
      summary: "Queue a `ping` event to this endpoint, whatever its event filter",
      "x-required-role": role,
      requestBody: emptyBody,
      responses: {
        "202": ok("Queued (pending)", obj({ delivery })),
        "400": error("Bad input", BODY_CODES),
        "404": noEndpoint,
        "409": error("The endpoint is disabled", ["webhook_disabled"]),
        "500": internal,
        "503": queueDown,
      },
    },
  },
};
