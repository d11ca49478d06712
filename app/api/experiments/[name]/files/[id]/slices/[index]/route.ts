import { updateExperimentSlice as spec } from "@/lib/api/dataset";
import { setSliceExcluded } from "@/lib/dataset/files";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const PATCH = route(spec, async ({ params, body, reply }) => reply(200, await setSliceExcluded(params.name, params.id, params.index, body.excluded)));

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, POST, PUT, DELETE } = otherMethods("PATCH");
