import { logoutAll as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { clearSessionCookie, deleteUserSessions } from "@/lib/auth/sessions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** End every session of the caller (all browsers). API tokens stay; revoke them on their own. */
export const POST = route(spec, async ({ req, caller, reply }) => {
  const ended = await deleteUserSessions(caller.user.id);
  return reply(200, { ended }, caller.via === "session" ? { "set-cookie": clearSessionCookie(req) } : {});
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
