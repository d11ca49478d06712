import { badRequest } from "@/lib/errors";
import { json, readJsonObject, route } from "@/lib/http";
import { createConversion, listConversions, parseFormRequest, parseJsonRequest } from "@/lib/conversions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** ?limit=1..100 (20): recent conversions, newest first. */
export const GET = route("viewer", async (req) => json({ conversions: await listConversions(new URL(req.url).searchParams.get("limit")) }));

/** JSON {modelId, fileId, ...params} or multipart/form-data {audio, modelId, ...params}. 202 {conversion, job}. */
export const POST = route("member", async (req) => {
  const type = req.headers.get("content-type") ?? "";
  let request;
  if (type.startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      throw badRequest("invalid_form", "the multipart/form-data body could not be read");
    }
    request = parseFormRequest(form);
  } else {
    request = parseJsonRequest(await readJsonObject(req));
  }
  return json(await createConversion(request), 202);
});
