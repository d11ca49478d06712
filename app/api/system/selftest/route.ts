import { toApiJob } from "@/lib/jobs";
import { json, readJsonObject, route } from "@/lib/http";
import { parseSelftestBody, queueSelftest } from "@/lib/selftest-queue";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Queue a worker self-test: a short job with live progress, logs and metrics, and no model; 429 past 3 active. */
export const POST = route("admin", async (req) => {
  const job = await queueSelftest(parseSelftestBody(await readJsonObject(req)));
  return json({ job: toApiJob(job) }, 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
