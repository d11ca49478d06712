import { logout as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { logout } from "@/lib/auth/login";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** End this browser's session (and clear the cookie). Always 204. */
export const POST = route(spec, async ({ req, caller }) => logout(req, caller?.via === "session" ? caller.user.id : null));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
