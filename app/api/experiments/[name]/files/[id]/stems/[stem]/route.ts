/** A separated stem of an uploaded file, with Range support so that the browser can seek. */
import { getFileStem as spec } from "@/lib/api/separation";
import { fileResponse } from "@/lib/file-response";
import { route } from "@/lib/http";
import { stemForPlayback } from "@/lib/separation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ req, params }) =>
  fileResponse(req, await stemForPlayback(params.name, params.id, params.stem), {
    cacheControl: "private, no-cache",
    missing: { code: "stem_not_found", message: "The stem is missing from UPLOADS_DIR" },
  }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
