import { parseBody, PatchWebhookBody } from "@/lib/api/webhooks";
import { json, readJsonObject, route } from "@/lib/http";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = route("member", async (_req, { params }: Ctx, caller) => {
  return json({ webhook: await getEndpoint((await params).id, { userId: caller.user.id, admin: caller.role === "admin" }) });
});

/** Change url, description, events or enabled. */
export const PATCH = route("member", async (req, { params }: Ctx, caller, note) => {
  const body = parseBody(PatchWebhookBody, await readJsonObject(req));
  const webhook = await updateEndpoint((await params).id, { userId: caller.user.id, admin: caller.role === "admin" }, body);
  note({ action: "webhook.update", target: { type: "webhook", id: webhook.id, name: webhook.url }, details: { fields: Object.keys(body) } });
  return json({ webhook });
});

/** Delete the endpoint and its delivery log; queued messages to it are dropped. */
export const DELETE = route("member", async (_req, { params }: Ctx, caller, note) => {
  const webhook = await deleteEndpoint((await params).id, { userId: caller.user.id, admin: caller.role === "admin" });
  note({ action: "webhook.delete", target: { type: "webhook", id: webhook.id, name: webhook.url } });
  return json({ webhook });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
