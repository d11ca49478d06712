import { listCheckpoints as spec } from "@/lib/api/checkpoints";
import { listCheckpoints } from "@/lib/checkpoints";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ params, reply }) => reply(200, await listCheckpoints(params.name)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
