import { badRequest } from "@/lib/errors";
import { json, route } from "@/lib/http";
import { importModel } from "@/lib/model-import";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** multipart/form-data: `pth` (RVC small model), optional `index` (FAISS) and `name`. 201 {model, job}. */
export const POST = route("member", async (req) => {
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw badRequest("invalid_form", "send multipart/form-data with a pth file (and optionally index and name)");
  }
  const pth = form.get("pth");
  if (!(pth instanceof File)) throw badRequest("missing_file", 'send the model as form field "pth"', { field: "pth" });
  const index = form.get("index");
  const name = form.get("name");
  const out = await importModel({ pth, index: index instanceof File ? index : null, name: typeof name === "string" ? name : null });
  return json(out, 201);
});
