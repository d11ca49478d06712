import { indexExperiment as spec } from "@/lib/api/experiments";
import { enqueueExperimentJob, queuedJob } from "@/lib/jobs";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Rebuild the model's FAISS index from the experiment's features. */
export const POST = route(spec, async ({ params, reply }) => {
  const job = await enqueueExperimentJob(params.name, "index", {});
  return reply(202, { job: queuedJob(job, params.name) });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
