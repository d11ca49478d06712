import { revokeToken as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { revokeToken } from "@/lib/auth/api-tokens";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Revoke a token (yours; an admin: anyone's). It stops working on the next request. 200 {token}. */
export const DELETE = route(spec, async ({ params, caller, note, reply }) => {
  const token = await revokeToken(params.id, { userId: caller.user.id, asAdmin: caller.role === "admin" });
  note({ action: "token.revoke", target: { type: "token", id: token.id, name: token.name } });
  return reply(200, { token });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
