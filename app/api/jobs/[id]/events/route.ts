import { streamJobEvents as spec } from "@/lib/api/jobs";
import { getJob } from "@/lib/jobs";
import { accessCheck } from "@/lib/auth/gate";
import { route } from "@/lib/http";
import { sseResponse } from "@/lib/sse";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ req, params }) => {
  const job = await getJob(params.id);
  return sseResponse(req, { jobId: job.id }, { stillAllowed: accessCheck(req, "viewer") });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
