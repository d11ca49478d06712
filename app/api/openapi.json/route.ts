import { getOpenApi as spec } from "@/lib/api/system";
import { json, route } from "@/lib/http";
import { openApiDocument } from "@/lib/openapi";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 description of the whole API, generated from the route specs (lib/openapi.ts). */
export const GET = route(spec, async () => json(openApiDocument()));
