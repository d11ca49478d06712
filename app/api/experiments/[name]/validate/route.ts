import { validateExperiment as spec } from "@/lib/api/experiments";
import { getExperimentRow } from "@/lib/experiments";
import { excludedSlicesOf } from "@/lib/dataset/exclusions";
import { route } from "@/lib/http";
import { validateExperiment } from "@/lib/validate";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ params, reply }) => {
  const e = await getExperimentRow(params.name);
  return reply(200, await validateExperiment(e.name, e.version as "v1" | "v2", true, await excludedSlicesOf(e)));
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
