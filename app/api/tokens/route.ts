import { refuseUnknownFields } from "@/lib/errors";
import { json, readJsonObject, route } from "@/lib/http";
import { createToken, listTokens } from "@/lib/auth/api-tokens";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Your API tokens (never their secrets); an admin may pass ?all=1 for everyone's. */
export const GET = route("viewer", async (req, _ctx, caller) => {
  const all = new URL(req.url).searchParams.get("all") === "1" && caller.role === "admin";
  return json({ tokens: await listTokens(all ? {} : { userId: caller.user.id }) });
});

/** {name, scope: "read"|"write"} → 201 {token, secret}; the secret is shown this once. */
export const POST = route("viewer", async (req, _ctx, caller, note) => {
  const body = await readJsonObject(req);
  refuseUnknownFields(body, ["name", "scope"]);
  const out = await createToken(caller.user.id, { name: body.name, scope: body.scope });
  note({ action: "token.create", target: { type: "token", id: out.token.id, name: out.token.name }, details: { scope: out.token.scope } });
  return json(out, 201);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
