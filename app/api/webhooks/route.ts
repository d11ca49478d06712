import { CreateWebhookBody, parseBody } from "@/lib/api/webhooks";
import { json, readJsonObject, route } from "@/lib/http";
import { createEndpoint, listEndpoints } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Your webhook endpoints (admins: everyone's), never their secrets. */
export const GET = route("member", async (_req, _ctx, caller) => {
  return json({ webhooks: await listEndpoints({ userId: caller.user.id, admin: caller.role === "admin" }) });
});

/** {url, description?, events?, enabled?} → 201 {webhook, secret}; the secret is shown this once. */
export const POST = route("member", async (req, _ctx, caller, note) => {
  const body = parseBody(CreateWebhookBody, await readJsonObject(req));
  const out = await createEndpoint({ userId: caller.user.id, admin: caller.role === "admin" }, body);
  note({ action: "webhook.create", target: { type: "webhook", id: out.webhook.id, name: out.webhook.url }, details: { events: out.webhook.events } });
  return json(out, 201);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
