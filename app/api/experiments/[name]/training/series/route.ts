import { getTrainingSeries as spec } from "@/lib/api/training";
import { route } from "@/lib/http";
import { trainingSeries } from "@/lib/training-history";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ params, query, reply }) => reply(200, await trainingSeries(params.name, query)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
