import { listActivity } from "@/lib/auth/activity";
import { listActivity as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Mutating actions, newest first: ?limit=1..500 (100), ?before=<id> for the next page. */
export const GET = route(spec, async ({ query, reply }) =>
  reply(200, { activity: await listActivity({ limit: Number(query.limit), ...(query.before !== undefined ? { before: BigInt(query.before) } : {}) }) }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
