import { deleteExperiment as deleteSpec, getExperiment as getSpec, updateExperiment as patchSpec } from "@/lib/api/experiments";
import { deleteExperiment, getExperiment, updateExperiment } from "@/lib/experiments";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(getSpec, async ({ params, reply }) => reply(200, await getExperiment(params.name)));

export const PATCH = route(patchSpec, async ({ params, body, reply }) => reply(200, await updateExperiment(params.name, body)));

export const DELETE = route(deleteSpec, async ({ params }) => {
  await deleteExperiment(params.name);
  return new Response(null, { status: 204 });
});
