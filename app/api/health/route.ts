import { health } from "@/lib/health";
import { json, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Public: `{status}` only. Admins get the whole report (paths, workers, assets, disk). */
export const GET = route("public", async (_req, _ctx, caller) => {
  const { status, body } = await health();
  const word = status === 200 ? "ok" : "unavailable";
  return json(caller?.role === "admin" ? { status: word, ...body } : { status: word }, status);
});
