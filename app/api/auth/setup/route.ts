import { setup as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { setup } from "@/lib/auth/login";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** First run only (no user exists): create the admin {name, password} and log in. 409 `setup_done` afterwards. */
export const POST = route(spec, async ({ req, body }) => setup(req, body));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
