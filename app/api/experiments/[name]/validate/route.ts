import { getExperimentRow } from "@/lib/experiments";
import { json, route } from "@/lib/http";
import { validateExperiment } from "@/lib/validate";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("viewer", async (_req, { params }: { params: Promise<{ name: string }> }) => {
  const e = await getExperimentRow((await params).name);
  return json(await validateExperiment(e.name, e.version as "v1" | "v2"));
});
