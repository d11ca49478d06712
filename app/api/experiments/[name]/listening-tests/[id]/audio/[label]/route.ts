import { getListeningTestAudio as spec } from "@/lib/api/listening-tests";
import { listeningTestAudio } from "@/lib/listening-tests";
import { fileResponse } from "@/lib/file-response";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Clip A or B (audio/wav, Range honoured); nothing in the URL or the headers names its epoch. */
export const GET = route(spec, async ({ req, params }) =>
  fileResponse(req, await listeningTestAudio(params.name, params.id, params.label), {
    missing: { code: "preview_not_found", message: "The preview of this clip is gone (the checkpoint's previews were replaced)" },
  }),
);

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
