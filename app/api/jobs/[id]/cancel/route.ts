import { cancelJob as spec } from "@/lib/api/jobs";
import { cancelJob } from "@/lib/jobs";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(spec, async ({ params, reply }) => reply(202, { job: await cancelJob(params.id) }));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
