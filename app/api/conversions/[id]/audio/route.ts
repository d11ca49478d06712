import { getConversionAudio as spec } from "@/lib/api/conversions";
import { fileResponse } from "@/lib/file-response";
import { route } from "@/lib/http";
import { conversionAudio } from "@/lib/conversions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The converted audio (audio/wav); ?download=1 as an attachment. 409 until the conversion has succeeded. Range requests are honoured so players can seek. */
export const GET = route(spec, async ({ req, params, query }) =>
  fileResponse(req, await conversionAudio(params.id), {
    download: query.download === "1",
    missing: { code: "conversion_file_missing", message: "The converted audio is missing on disk" },
  }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
