/** The stored audio for the play button, with Range support so that the browser can seek. */
import { getExperimentFileAudio as spec } from "@/lib/api/experiments";
import { fileResponse } from "@/lib/file-response";
import { route } from "@/lib/http";
import { audioContentType } from "@/lib/uploads/http-range";
import { fileForPlayback } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ req, params }) => {
  const { file, path } = await fileForPlayback(params.name, params.id);
  return fileResponse(req, { path, type: audioContentType(file.storedName), name: file.originalName }, {
    cacheControl: "private, max-age=3600",
    missing: { code: "file_missing", message: "The stored audio is missing from UPLOADS_DIR" },
  });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
