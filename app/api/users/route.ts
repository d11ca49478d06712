import { createUser as createSpec, listUsers as listSpec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { createUser, listUsers } from "@/lib/auth/users";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(listSpec, async ({ reply }) => reply(200, { users: await listUsers() }));

/** {name, password, role} → 201 {user}. */
export const POST = route(createSpec, async ({ body, note, reply }) => {
  const user = await createUser(body);
  note({ action: "user.create", target: { type: "user", id: user.id, name: user.name }, details: { role: user.role } });
  return reply(201, { user });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
