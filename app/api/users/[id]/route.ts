import { updateUser as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { updateUser } from "@/lib/auth/users";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** {role?, disabled?, password?}: change a role, disable/enable, reset the password. 409 `last_admin`. */
export const PATCH = route(spec, async ({ params, body, note, reply }) => {
  const user = await updateUser(params.id, body);
  const { password, ...changed } = body;
  note({
    action: "user.update",
    target: { type: "user", id: user.id, name: user.name },
    details: { ...changed, ...(password !== undefined ? { passwordReset: true } : {}) },
  });
  return reply(200, { user });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, POST, PUT, DELETE } = otherMethods("PATCH");
