import { EmptyBody, parseBody } from "@/lib/api/webhooks";
import { json, readJsonObject, route } from "@/lib/http";
import { rotateSecret } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A new secret, shown this once; the old one stops signing at once. 200 {webhook, secret}. */
export const POST = route("member", async (req, { params }: { params: Promise<{ id: string }> }, caller, note) => {
  parseBody(EmptyBody, await readJsonObject(req));
  const out = await rotateSecret((await params).id, { userId: caller.user.id, admin: caller.role === "admin" });
  note({ action: "webhook.rotate_secret", target: { type: "webhook", id: out.webhook.id, name: out.webhook.url } });
  return json(out);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
