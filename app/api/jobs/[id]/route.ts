import { getJob as spec } from "@/lib/api/jobs";
import { getJob } from "@/lib/jobs";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ params, reply }) => reply(200, await getJob(params.id)));
