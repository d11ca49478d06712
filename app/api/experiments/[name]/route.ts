import { deleteExperiment as deleteSpec, getExperiment as getSpec, updateExperiment as patchSpec } from "@/lib/api/experiments";
import { deleteExperiment, getExperimentWithStages, updateExperiment } from "@/lib/experiments";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(getSpec, async ({ params, reply }) => reply(200, await getExperimentWithStages(params.name)));

export const PATCH = route(patchSpec, async ({ params, body, reply }) => reply(200, await updateExperiment(params.name, body)));

export const DELETE = route(deleteSpec, async ({ params }) => {
  await deleteExperiment(params.name);
  return new Response(null, { status: 204 });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
