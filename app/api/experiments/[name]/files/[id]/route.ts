import { deleteExperimentFile as spec } from "@/lib/api/experiments";
import { route } from "@/lib/http";
import { deleteFile } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const DELETE = route(spec, async ({ params }) => {
  await deleteFile(params.name, params.id);
  return new Response(null, { status: 204 });
});
