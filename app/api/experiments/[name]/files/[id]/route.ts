import { deleteExperimentFile as spec } from "@/lib/api/experiments";
import { route } from "@/lib/http";
import { deleteFile } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const DELETE = route(spec, async ({ params }) => {
  await deleteFile(params.name, params.id);
  return new Response(null, { status: 204 });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
