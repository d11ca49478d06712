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

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
