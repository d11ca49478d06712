import { getExperimentFilePeaks as spec } from "@/lib/api/dataset";
import { filePeaks } from "@/lib/dataset/files";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ req, params, query, reply }) =>
  reply(200, await filePeaks(params.name, params.id, query.points, undefined, req.signal), { "Cache-Control": "private, max-age=3600" }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
