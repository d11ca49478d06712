import { importModel as spec } from "@/lib/api/models";
import { route } from "@/lib/http";
import { importFormRules, importModel } from "@/lib/model-import";
import { withMultipart } from "@/lib/multipart";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** multipart/form-data, streamed to disk: `pth` (RVC small model), optional `index` (FAISS) and `name`. 201 {model, job}. */
export const POST = route(spec, async ({ req, reply }) =>
  withMultipart(req, importFormRules(), async (form) =>
    reply(201, await importModel({ pth: form.files.pth!, index: form.files.index ?? null, name: form.fields.name ?? null })),
  ),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
