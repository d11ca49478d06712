import { getConversionInput as spec } from "@/lib/api/conversions";
import { fileResponse } from "@/lib/file-response";
import { route } from "@/lib/http";
import { conversionInput } from "@/lib/conversions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The original input of a conversion, for listening side by side with the result. Range requests are honoured so players can seek. */
export const GET = route(spec, async ({ req, params, query }) =>
  fileResponse(req, await conversionInput(params.id), {
    download: query.download === "1",
    missing: { code: "conversion_file_missing", message: "The input audio is missing on disk" },
  }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
