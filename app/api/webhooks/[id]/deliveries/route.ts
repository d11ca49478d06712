import { json, route } from "@/lib/http";
import { listDeliveries } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The endpoint's delivery log: one row per attempt, newest first (the last 100). */
export const GET = route("member", async (_req, { params }: { params: Promise<{ id: string }> }, caller) => {
  return json({ deliveries: await listDeliveries((await params).id, { userId: caller.user.id, admin: caller.role === "admin" }) });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
