import { getHealth as spec } from "@/lib/api/system";
import { recentHealth } from "@/lib/health";
import { json, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Public: `{status}` only (ok | degraded | down), at most a second old. Admins get the whole report (paths, workers, assets, disk). */
export const GET = route(spec, async ({ caller }) => {
  const { status, body } = await recentHealth();
  return json(caller?.role === "admin" ? body : { status: body.status }, status);
});
