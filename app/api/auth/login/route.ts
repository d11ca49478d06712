import { login as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { login } from "@/lib/auth/login";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** {name, password} → session cookie. 401 `invalid_credentials`; 429 `rate_limited` with retryAfterSeconds. */
export const POST = route(spec, async ({ req, body }) => login(req, body));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
