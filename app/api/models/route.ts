import { listModels as spec } from "@/lib/api/models";
import { route } from "@/lib/http";
import { listModels } from "@/lib/models";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ reply }) => reply(200, { models: await listModels() }));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
