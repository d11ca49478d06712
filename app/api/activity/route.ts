import { badRequest } from "@/lib/errors";
import { json, route } from "@/lib/http";
import { listActivity } from "@/lib/auth/activity";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Mutating actions, newest first: ?limit=1..500 (100), ?before=<id> for the next page. */
export const GET = route("admin", async (req) => {
  const q = new URL(req.url).searchParams;
  const limit = q.get("limit") ?? "100";
  const before = q.get("before");
  if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 500) {
    throw badRequest("invalid_limit", "limit must be a whole number from 1 to 500", { field: "limit" });
  }
  if (before !== null && !/^\d{1,18}$/.test(before)) throw badRequest("invalid_before", "before must be an activity id", { field: "before" });
  return json({ activity: await listActivity({ limit: Number(limit), ...(before !== null ? { before: BigInt(before) } : {}) }) });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
