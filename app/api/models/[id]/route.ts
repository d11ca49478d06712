import { deleteModel as deleteSpec, getModel as getSpec } from "@/lib/api/models";
import { route } from "@/lib/http";
import { deleteModel, getModel } from "@/lib/models";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(getSpec, async ({ params, reply }) => reply(200, await getModel(params.id)));

export const DELETE = route(deleteSpec, async ({ params }) => {
  await deleteModel(params.id);
  return new Response(null, { status: 204 });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH } = otherMethods("GET", "DELETE");
