import { deleteWebhook as deleteSpec, getWebhook as getSpec, updateWebhook as updateSpec } from "@/lib/api/webhooks";
import { route } from "@/lib/http";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(getSpec, async ({ params, caller, reply }) => {
  return reply(200, { webhook: await getEndpoint(params.id, { userId: caller.user.id, admin: caller.role === "admin" }) });
});

/** Change url, description, events or enabled. */
export const PATCH = route(updateSpec, async ({ params, body, caller, note, reply }) => {
  const webhook = await updateEndpoint(params.id, { userId: caller.user.id, admin: caller.role === "admin" }, body);
  note({ action: "webhook.update", target: { type: "webhook", id: webhook.id, name: webhook.url }, details: { fields: Object.keys(body) } });
  return reply(200, { webhook });
});

/** Delete the endpoint and its delivery log; queued messages to it are dropped. */
export const DELETE = route(deleteSpec, async ({ params, caller, note, reply }) => {
  const webhook = await deleteEndpoint(params.id, { userId: caller.user.id, admin: caller.role === "admin" });
  note({ action: "webhook.delete", target: { type: "webhook", id: webhook.id, name: webhook.url } });
  return reply(200, { webhook });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
