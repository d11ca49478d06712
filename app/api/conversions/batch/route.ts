import { createConversionBatch as createSpec } from "@/lib/api/batches";
import { route } from "@/lib/http";
import { batchFormRules, createBatchFromFiles, createBatchFromForm } from "@/lib/conversion-batches";
import { withMultipart } from "@/lib/multipart";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** multipart {audio × n | zip, modelId, ...settings} or JSON {modelId, fileIds, params?}. 202 the batch. */
export const POST = route(createSpec, async ({ req, body, reply }) => {
  if (!body) return withMultipart(req, batchFormRules(), async (form) => reply(202, await createBatchFromForm(form)));
  return reply(202, await createBatchFromFiles(body));
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
