import { changePassword as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { changeOwnPassword } from "@/lib/auth/users";
import { createSession, deleteUserSessions } from "@/lib/auth/sessions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** {current, password}: change your own password. Other sessions end; a browser caller gets a fresh session. */
export const POST = route(spec, async ({ req, body, caller, note }) => {
  await changeOwnPassword(caller.user.id, body.current, body.password);
  await deleteUserSessions(caller.user.id);
  note({ action: "password.change", target: { type: "user", id: caller.user.id, name: caller.user.name } });
  const headers: Record<string, string> = caller.via === "session" ? { "set-cookie": (await createSession(caller.user.id, req)).cookie } : {};
  return new Response(null, { status: 204, headers });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
