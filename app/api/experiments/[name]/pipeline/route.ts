import { enqueuePipeline, toApiJob } from "@/lib/jobs";
import { json, readJsonObject, route } from "@/lib/http";
import { parseTrainOptions } from "@/lib/train-options";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** preprocess → extract → train (training ends by building the index); each stage queues the next. */
export const POST = route("member", async (req, { params }: { params: Promise<{ name: string }> }) => {
  const options = parseTrainOptions(await readJsonObject(req));
  const job = await enqueuePipeline((await params).name, [
    { kind: "preprocess", params: {} },
    { kind: "extract", params: {} },
    { kind: "train", params: { ...options } },
  ]);
  return json({ jobs: [toApiJob(job)] }, 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
