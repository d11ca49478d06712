import { json, readJsonObject, route } from "@/lib/http";
import { conversionFormRules, createConversion, listConversions, parseFormRequest, parseJsonRequest } from "@/lib/conversions";
import { withMultipart } from "@/lib/multipart";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** ?limit=1..100 (20): recent conversions, newest first. */
export const GET = route("viewer", async (req) => json({ conversions: await listConversions(new URL(req.url).searchParams.get("limit")) }));

/** JSON {modelId, fileId, ...params} or multipart/form-data {audio, modelId, ...params} (streamed to disk). 202 {conversion, job}. */
export const POST = route("member", async (req) => {
  if ((req.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    return withMultipart(req, conversionFormRules(), async (form) => json(await createConversion(parseFormRequest(form)), 202));
  }
  return json(await createConversion(parseJsonRequest(await readJsonObject(req))), 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
