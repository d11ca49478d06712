import { setup as spec } from "@/lib/api/auth";
import { route } from "@/lib/http";
import { setup } from "@/lib/auth/login";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** First run only (no user exists): create the admin {name, password} and log in. 409 `setup_done` afterwards. */
export const POST = route(spec, async ({ req, body }) => setup(req, body));
