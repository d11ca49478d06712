import { rotateWebhookSecret as rotateSpec } from "@/lib/api/webhooks";
import { route } from "@/lib/http";
import { rotateSecret } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A new secret, shown this once; the old one stops signing at once. 200 {webhook, secret}. */
export const POST = route(rotateSpec, async ({ params, caller, note, reply }) => {
  const out = await rotateSecret(params.id, { userId: caller.user.id, admin: caller.role === "admin" });
  note({ action: "webhook.rotate_secret", target: { type: "webhook", id: out.webhook.id, name: out.webhook.url } });
  return reply(200, out);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
