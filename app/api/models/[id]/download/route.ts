import { downloadModel as spec } from "@/lib/api/models";
import { route } from "@/lib/http";
import { modelDownload } from "@/lib/models";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** ?file=pth|index|onnx|zip — the file as an attachment. */
export const GET = route(spec, async ({ params, query }) => {
  const d = await modelDownload(params.id, query.file);
  const headers: Record<string, string> = {
    "content-type": d.type,
    "content-disposition": `attachment; filename="${d.name.replace(/"/g, "")}"`,
  };
  if (d.bytes !== undefined) headers["content-length"] = String(d.bytes);
  return new Response(d.body, { headers });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
