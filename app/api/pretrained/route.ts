import { badRequest } from "@/lib/errors";
import { json, route } from "@/lib/http";
import { listCustomPretrained, requireFormFile, saveCustomPretrained } from "@/lib/pretrained";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route("viewer", async () => json({ files: await listCustomPretrained() }));

/** multipart/form-data with `g` and `d` (.pth): stores both, answers the names to use as `pretrained: {g, d}`. */
export const POST = route("member", async (req) => {
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw badRequest("invalid_form", "send multipart/form-data with the fields g and d (.pth files)");
  }
  const g = requireFormFile(form, "g");
  const d = requireFormFile(form, "d");
  return json({ pretrained: await saveCustomPretrained({ g, d }) }, 201);
});
