import { listExperimentFiles as spec } from "@/lib/api/experiments";
import { route } from "@/lib/http";
import { listFiles } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The experiment's files and its dataset card. */
export const GET = route(spec, async ({ params, reply }) => reply(200, await listFiles(params.name)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
