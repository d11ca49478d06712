import { enqueueExperimentJob, toApiJob } from "@/lib/jobs";
import { refuseUnknownFields } from "@/lib/errors";
import { json, readJsonObject, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route("member", async (req, { params }: { params: Promise<{ name: string }> }) => {
  refuseUnknownFields(await readJsonObject(req), []);
  const job = await enqueueExperimentJob((await params).name, "preprocess", {});
  return json({ job: toApiJob(job) }, 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
