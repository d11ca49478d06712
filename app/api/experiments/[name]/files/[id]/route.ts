import { deleteExperimentFile as deleteSpec } from "@/lib/api/experiments";
import { getExperimentFile as getSpec, updateExperimentFile as patchSpec } from "@/lib/api/dataset";
import { fileDetail, updateFile } from "@/lib/dataset/files";
import { route } from "@/lib/http";
import { deleteFile } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(getSpec, async ({ params, reply }) => reply(200, await fileDetail(params.name, params.id)));

export const PATCH = route(patchSpec, async ({ params, body, reply }) => reply(200, await updateFile(params.name, params.id, body)));

export const DELETE = route(deleteSpec, async ({ params }) => {
  await deleteFile(params.name, params.id);
  return new Response(null, { status: 204 });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
