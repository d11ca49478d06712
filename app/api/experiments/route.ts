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

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
