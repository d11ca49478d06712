import { getJobLog as spec } from "@/lib/api/jobs";
import { jobLogText } from "@/lib/job-events";
import { getJob } from "@/lib/jobs";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ params }) => {
  const job = await getJob(params.id);
  return new Response(await jobLogText(job.id), {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `inline; filename="job-${job.kind}-${job.id}.log"`,
    },
  });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
