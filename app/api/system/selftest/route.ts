import { queueSelftest as spec } from "@/lib/api/jobs";
import { queuedJob } from "@/lib/jobs";
import { route } from "@/lib/http";
import { queueSelftest } from "@/lib/selftest-queue";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Queue a worker self-test: a short job with live progress, logs and metrics, and no model; 429 past 3 active. */
export const POST = route(spec, async ({ body, reply }) => reply(202, { job: queuedJob(await queueSelftest(body), null) }));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
