import { trainExperiment as spec } from "@/lib/api/experiments";
import { resolveTrainOptions } from "@/lib/api/parse";
import { enqueueExperimentJob, queuedJob } from "@/lib/jobs";
import { route } from "@/lib/http";
import { checkProbe } from "@/lib/train-probe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(spec, async ({ params, body, reply }) => {
  await checkProbe(params.name, body.probe, "train");
  const job = await enqueueExperimentJob(params.name, "train", { ...resolveTrainOptions(body) });
  return reply(202, { job: queuedJob(job, params.name) });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
