import { getMe as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { countUsers } from "@/lib/auth/users";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Who am I: `{user|null, via, setupRequired}` (setupRequired: no account exists yet; the login page then goes to /setup). */
export const GET = route(spec, async ({ caller, reply }) =>
  reply(200, {
    user: caller ? { id: caller.user.id, name: caller.user.name, role: caller.user.role, actsAs: caller.role } : null,
    via: caller?.via ?? null,
    setupRequired: caller ? false : (await countUsers()) === 0,
  }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
