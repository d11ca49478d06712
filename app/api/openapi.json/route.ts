import { getOpenApi as spec } from "@/lib/api/system";
import { json, route } from "@/lib/http";
import { openApiDocument } from "@/lib/openapi";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 description of the whole API, generated from the route specs (lib/openapi.ts). */
export const GET = route(spec, async () => json(openApiDocument()));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
