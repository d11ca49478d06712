import { json, route } from "@/lib/http";
import { listDeliveries } from "@/lib/webhooks/endpoints";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The endpoint's delivery log: one row per attempt, newest first (the last 100). */
export const GET = route("member", async (_req, { params }: { params: Promise<{ id: string }> }, caller) => {
  return json({ deliveries: await listDeliveries((await params).id, { userId: caller.user.id, admin: caller.role === "admin" }) });
});
