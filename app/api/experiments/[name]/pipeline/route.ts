import { runExperimentPipeline as spec } from "@/lib/api/experiments";
import { resolveTrainOptions } from "@/lib/api/parse";
import { enqueuePipeline, queuedJob } from "@/lib/jobs";
import { route } from "@/lib/http";
import { checkProbe } from "@/lib/train-probe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** preprocess → extract → train (training ends by building the index); each stage queues the next. */
export const POST = route(spec, async ({ params, body, reply }) => {
  await checkProbe(params.name, body.probe, "pipeline");
  const job = await enqueuePipeline(params.name, [
    { kind: "preprocess", params: {} },
    { kind: "extract", params: {} },
    { kind: "train", params: { ...resolveTrainOptions(body) } },
  ]);
  return reply(202, { jobs: [queuedJob(job, params.name)] });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
