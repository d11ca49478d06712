import { enqueueJob, toApiJob } from "@/lib/jobs";
import { badRequest } from "@/lib/errors";
import { json, readJsonObject, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Queue a worker self-test: a short job with live progress, logs and metrics, and no model. */
export const POST = route("admin", async (req) => {
  const body = await readJsonObject(req);
  const seconds = body.seconds ?? 10;
  const steps = body.steps ?? 100;
  if (typeof seconds !== "number" || !(seconds > 0 && seconds <= 3600)) {
    throw badRequest("invalid_seconds", "seconds must be a number from 0 to 3600", { field: "seconds" });
  }
  if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 1 || steps > 100_000) {
    throw badRequest("invalid_steps", "steps must be a whole number from 1 to 100000", { field: "steps" });
  }
  const job = await enqueueJob({ kind: "selftest", params: { seconds, steps } });
  return json({ job: toApiJob(job) }, 202);
});
