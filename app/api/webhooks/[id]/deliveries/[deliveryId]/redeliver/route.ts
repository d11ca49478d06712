import { redeliverWebhook as redeliverSpec } from "@/lib/api/webhooks";
import { route } from "@/lib/http";
import { redeliver } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Send that delivery's message again (same webhook-id and body, next attempt number). 202 {delivery} (pending). */
export const POST = route(redeliverSpec, async ({ params, caller, note, reply }) => {
  const delivery = await redeliver(params.id, params.deliveryId, { userId: caller.user.id, admin: caller.role === "admin" });
  note({ action: "webhook.redeliver", target: { type: "webhook", id: delivery.endpointId }, details: { messageId: delivery.messageId, attempt: delivery.attempt } });
  return reply(202, { delivery });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
