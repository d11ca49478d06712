import { deleteConversion as deleteSpec, getConversion as getSpec } from "@/lib/api/conversions";
import { route } from "@/lib/http";
import { deleteConversion, getConversion } from "@/lib/conversions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(getSpec, async ({ params, reply }) => reply(200, await getConversion(params.id)));

export const DELETE = route(deleteSpec, async ({ params }) => {
  await deleteConversion(params.id);
  return new Response(null, { status: 204 });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH } = otherMethods("GET", "DELETE");
