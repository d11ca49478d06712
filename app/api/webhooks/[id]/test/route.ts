import { testWebhook as testSpec } from "@/lib/api/webhooks";
import { route } from "@/lib/http";
import { sendTestEvent } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Queue a `ping` event to this endpoint (whatever its filter). 202 {delivery} (pending). */
export const POST = route(testSpec, async ({ params, caller, note, reply }) => {
  const delivery = await sendTestEvent(params.id, { userId: caller.user.id, admin: caller.role === "admin" });
  note({ action: "webhook.test", target: { type: "webhook", id: delivery.endpointId }, details: { messageId: delivery.messageId } });
  return reply(202, { delivery });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
