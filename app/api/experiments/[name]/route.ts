import { deleteExperiment, getExperimentWithStages, updateExperiment } from "@/lib/experiments";
import { parsePatch } from "@/lib/experiment-rules";
import { json, readJsonObject, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

export const GET = route("viewer", async (_req, { params }: Ctx) => json(await getExperimentWithStages((await params).name)));

export const PATCH = route("member", async (req, { params }: Ctx) => {
  const { name } = await params;
  const patch = parsePatch(await readJsonObject(req));
  return json(await updateExperiment(name, patch));
});

export const DELETE = route("member", async (_req, { params }: Ctx) => {
  await deleteExperiment((await params).name);
  return new Response(null, { status: 204 });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
