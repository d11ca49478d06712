import { enqueueExperimentJob, toApiJob } from "@/lib/jobs";
import { F0_METHODS } from "@/lib/experiment-rules";
import { badRequest, refuseUnknownFields } from "@/lib/errors";
import { json, readJsonObject, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route("member", async (req, { params }: { params: Promise<{ name: string }> }) => {
  const body = await readJsonObject(req);
  refuseUnknownFields(body, ["f0Method"]);
  if (body.f0Method !== undefined && !(F0_METHODS as readonly unknown[]).includes(body.f0Method)) {
    throw badRequest("invalid_f0Method", `f0Method must be one of ${F0_METHODS.join(", ")}`, { field: "f0Method" });
  }
  const params_ = body.f0Method === undefined ? {} : { f0Method: body.f0Method };
  const job = await enqueueExperimentJob((await params).name, "extract", params_);
  return json({ job: toApiJob(job) }, 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
