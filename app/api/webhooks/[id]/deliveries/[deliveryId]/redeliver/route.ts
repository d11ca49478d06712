import { EmptyBody, parseBody } from "@/lib/api/webhooks";
import { json, readJsonObject, route } from "@/lib/http";
import { redeliver } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Send that delivery's message again (same webhook-id and body, next attempt number). 202 {delivery} (pending). */
export const POST = route("member", async (req, { params }: { params: Promise<{ id: string; deliveryId: string }> }, caller, note) => {
  parseBody(EmptyBody, await readJsonObject(req));
  const { id, deliveryId } = await params;
  const delivery = await redeliver(id, deliveryId, { userId: caller.user.id, admin: caller.role === "admin" });
  note({ action: "webhook.redeliver", target: { type: "webhook", id: delivery.endpointId }, details: { messageId: delivery.messageId, attempt: delivery.attempt } });
  return json({ delivery }, 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
