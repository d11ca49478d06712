import { getJob as spec } from "@/lib/api/jobs";
import { getJob } from "@/lib/jobs";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ params, reply }) => reply(200, await getJob(params.id)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
