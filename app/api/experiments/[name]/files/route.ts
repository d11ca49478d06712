import { listExperimentFiles as spec } from "@/lib/api/experiments";
import { route } from "@/lib/http";
import { listFiles } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The experiment's files and its dataset card. */
export const GET = route(spec, async ({ params, reply }) => reply(200, await listFiles(params.name)));
