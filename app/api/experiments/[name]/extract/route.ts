import { extractExperiment as spec } from "@/lib/api/experiments";
import { enqueueExperimentJob, queuedJob } from "@/lib/jobs";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(spec, async ({ params, body, reply }) => {
  const job = await enqueueExperimentJob(params.name, "extract", body.f0Method === undefined ? {} : { f0Method: body.f0Method });
  return reply(202, { job: queuedJob(job, params.name) });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
