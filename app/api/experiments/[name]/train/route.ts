import { enqueueExperimentJob, toApiJob } from "@/lib/jobs";
import { json, readJsonObject, route } from "@/lib/http";
import { parseTrainOptions } from "@/lib/train-options";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route("member", async (req, { params }: { params: Promise<{ name: string }> }) => {
  const options = parseTrainOptions(await readJsonObject(req));
  const job = await enqueueExperimentJob((await params).name, "train", { ...options });
  return json({ job: toApiJob(job) }, 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
