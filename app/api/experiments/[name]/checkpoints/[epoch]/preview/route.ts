import { getCheckpointPreview as spec } from "@/lib/api/checkpoints";
import { checkpointPreview } from "@/lib/checkpoints";
import { fileResponse } from "@/lib/file-response";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The checkpoint's listening preview (audio/wav); Range requests are honoured so players can seek. */
export const GET = route(spec, async ({ req, params }) =>
  fileResponse(req, await checkpointPreview(params.name, params.epoch), {
    missing: { code: "preview_not_found", message: "The preview is missing on disk" },
  }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
