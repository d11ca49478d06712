import { createConversion as createSpec, listConversions as listSpec } from "@/lib/api/conversions";
import { route } from "@/lib/http";
import { conversionFormRules, createConversion, listConversions, parseFormRequest } from "@/lib/conversions";
import { withMultipart } from "@/lib/multipart";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** ?limit=1..100 (20): recent conversions, newest first. */
export const GET = route(listSpec, async ({ query, reply }) => reply(200, { conversions: await listConversions(query.limit) }));

/** JSON {modelId, fileId, ...params} or multipart/form-data {audio, modelId, ...params} (streamed to disk). 202 {conversion, job}. */
export const POST = route(createSpec, async ({ req, body, reply }) => {
  if (!body) return withMultipart(req, conversionFormRules(), async (form) => reply(202, await createConversion(parseFormRequest(form))));
  const { modelId, fileId, ...params } = body;
  return reply(202, await createConversion({ modelId, input: { fileId }, params }));
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
