import { createToken as createSpec, listTokens as listSpec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { createToken, listTokens } from "@/lib/auth/api-tokens";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Your API tokens (never their secrets); an admin may pass ?all=1 for everyone's. */
export const GET = route(listSpec, async ({ query, caller, reply }) => {
  const all = query.all === "1" && caller.role === "admin";
  return reply(200, { tokens: await listTokens(all ? {} : { userId: caller.user.id }) });
});

/** {name, scope: "read"|"write"} → 201 {token, secret}; the secret is shown this once. */
export const POST = route(createSpec, async ({ body, caller, note, reply }) => {
  const out = await createToken(caller.user.id, body);
  note({ action: "token.create", target: { type: "token", id: out.token.id, name: out.token.name }, details: { scope: out.token.scope } });
  return reply(201, out);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
