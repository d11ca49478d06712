import { json, readJsonObject, route } from "@/lib/http";
import { BatchCreateJson, parseBody } from "@/lib/api/batches";
import { batchFormRules, createBatchFromFiles, createBatchFromForm } from "@/lib/conversion-batches";
import { withMultipart } from "@/lib/multipart";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** multipart {audio × n | zip, modelId, ...settings} or JSON {modelId, fileIds, params?}. 202 the batch. */
export const POST = route("member", async (req) => {
  if ((req.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    return withMultipart(req, batchFormRules(), async (form) => json(await createBatchFromForm(form), 202));
  }
  return json(await createBatchFromFiles(parseBody(BatchCreateJson, await readJsonObject(req))), 202);
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
