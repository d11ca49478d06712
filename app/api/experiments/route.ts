import { createExperiment, listExperiments } from "@/lib/experiments";
import { parseCreate } from "@/lib/experiment-rules";
import { json, readJsonObject, route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("viewer", async () => json({ experiments: await listExperiments() }));

export const POST = route("member", async (req) => {
  const input = parseCreate(await readJsonObject(req));
  return json(await createExperiment(input), 201);
});
