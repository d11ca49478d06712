/** A finished cover's stem as mixed (the converted vocals or the accompaniment), with Range support so players can seek. */
import { getConversionStem as spec } from "@/lib/api/conversions";
import { conversionStem } from "@/lib/conversions";
import { fileResponse } from "@/lib/file-response";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ req, params, query }) =>
  fileResponse(req, await conversionStem(params.id, params.stem), {
    download: query.download === "1",
    missing: { code: "conversion_file_missing", message: `The ${params.stem} stem is missing on disk` },
  }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
