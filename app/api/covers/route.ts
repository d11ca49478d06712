import { createCover as spec } from "@/lib/api/conversions";
import { route } from "@/lib/http";
import { coverFormRules, createCover, parseCoverFormRequest } from "@/lib/conversions";
import { withMultipart } from "@/lib/multipart";
import { separationModelMissing } from "@/lib/separation-rules";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * A song cover. JSON {modelId, fileId, ...settings, vocalsGain?, accompanimentGain?, accompanimentPitch?} or
 * multipart/form-data {audio, modelId, ...the same as strings} (streamed to disk). 202 {conversion, job}; 503
 * separation_model_missing (before the body is read) when the separation model is not there.
 */
export const POST = route(spec, async ({ req, body, reply }) => {
  const missing = separationModelMissing();
  if (missing) throw missing;
  if (!body) return withMultipart(req, coverFormRules(), async (form) => reply(202, await createCover(parseCoverFormRequest(form))));
  const { modelId, fileId, vocalsGain, accompanimentGain, accompanimentPitch, ...params } = body;
  return reply(202, await createCover({ modelId, input: { fileId }, params, cover: { vocalsGain, accompanimentGain, accompanimentPitch } }));
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
