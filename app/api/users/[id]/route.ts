import { refuseUnknownFields } from "@/lib/errors";
import { json, readJsonObject, route } from "@/lib/http";
import { updateUser } from "@/lib/auth/users";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** {role?, disabled?, password?}: change a role, disable/enable, reset the password. 409 `last_admin`. */
export const PATCH = route("admin", async (req, { params }: { params: Promise<{ id: string }> }, _caller, note) => {
  const body = await readJsonObject(req);
  refuseUnknownFields(body, ["role", "disabled", "password"]);
  const user = await updateUser((await params).id, body);
  const changed = Object.keys(body).filter((k) => k !== "password");
  note({
    action: "user.update",
    target: { type: "user", id: user.id, name: user.name },
    details: { ...Object.fromEntries(changed.map((k) => [k, body[k]])), ...(body.password !== undefined ? { passwordReset: true } : {}) },
  });
  return json({ user });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, POST, PUT, DELETE } = otherMethods("PATCH");
