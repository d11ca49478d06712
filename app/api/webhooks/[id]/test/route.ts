import { EmptyBody, parseBody } from "@/lib/api/webhooks";
import { json, readJsonObject, route } from "@/lib/http";
import { sendTestEvent } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Queue a `ping` event to this endpoint (whatever its filter). 202 {delivery} (pending). */
export const POST = route("member", async (req, { params }: { params: Promise<{ id: string }> }, caller, note) => {
  parseBody(EmptyBody, await readJsonObject(req));
  const delivery = await sendTestEvent((await params).id, { userId: caller.user.id, admin: caller.role === "admin" });
  note({ action: "webhook.test", target: { type: "webhook", id: delivery.endpointId }, details: { messageId: delivery.messageId } });
  return json({ delivery }, 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
