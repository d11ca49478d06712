import { getExperimentRow } from "@/lib/experiments";
import { json, route } from "@/lib/http";
import { validateExperiment } from "@/lib/validate";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("viewer", async (_req, { params }: { params: Promise<{ name: string }> }) => {
  const e = await getExperimentRow((await params).name);
  return json(await validateExperiment(e.name, e.version as "v1" | "v2"));
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
