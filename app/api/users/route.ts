import { refuseUnknownFields } from "@/lib/errors";
import { json, readJsonObject, route } from "@/lib/http";
import { createUser, listUsers } from "@/lib/auth/users";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("admin", async () => json({ users: await listUsers() }));

/** {name, password, role} → 201 {user}. */
export const POST = route("admin", async (req, _ctx, _caller, note) => {
  const body = await readJsonObject(req);
  refuseUnknownFields(body, ["name", "password", "role"]);
  const user = await createUser({ name: body.name, password: body.password, role: body.role });
  note({ action: "user.create", target: { type: "user", id: user.id, name: user.name }, details: { role: user.role } });
  return json({ user }, 201);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
