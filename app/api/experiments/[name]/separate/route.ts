import { separateExperimentFiles as spec } from "@/lib/api/separation";
import { queuedJob } from "@/lib/jobs";
import { route } from "@/lib/http";
import { queueExperimentSeparations } from "@/lib/separation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(spec, async ({ params, reply }) => {
  const jobs = await queueExperimentSeparations(params.name);
  return reply(202, { jobs: jobs.map((j) => queuedJob(j, params.name)) });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
