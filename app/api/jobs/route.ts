import { listJobs as spec } from "@/lib/api/jobs";
import { listJobs } from "@/lib/jobs";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ query, reply }) => reply(200, { jobs: await listJobs(query) }));
