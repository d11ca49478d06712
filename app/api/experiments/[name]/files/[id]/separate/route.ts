import { separateFile as spec } from "@/lib/api/separation";
import { queuedJob } from "@/lib/jobs";
import { route } from "@/lib/http";
import { queueSeparation } from "@/lib/separation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(spec, async ({ params, reply }) => {
  const job = await queueSeparation(params.name, params.id);
  return reply(202, { job: queuedJob(job, params.name) });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
