/**
 * The stored audio for the play button, with Range support so that the browser can seek; with `seconds` or
 * `cleaned=1`, the first ≤ 10 s as a WAV rendered on demand (the dataset doctor's before/after player).
 */
import { getExperimentFileAudio as spec } from "@/lib/api/experiments";
import { ApiError } from "@/lib/errors";
import { fileResponse } from "@/lib/file-response";
import { route } from "@/lib/http";
import { cleaningOf, cleaningOn, describeCleaning, SUGGESTED_CLEANING } from "@/lib/dataset/cleaning";
import { fileForPreview } from "@/lib/dataset/files";
import { audioContentType } from "@/lib/uploads/http-range";
import { fileForPlayback } from "@/lib/uploads/files";
import { renderPreview } from "@/worker/analyze/preview";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(spec, async ({ req, params, query }) => {
  if (query.cleaned !== undefined || query.seconds !== undefined) {
    const { file, path, cleaning: stored } = await fileForPreview(params.name, params.id);
    const opts = cleaningOn(cleaningOf(stored)) ? cleaningOf(stored) : { ...SUGGESTED_CLEANING };
    const cleaned = query.cleaned === "1";
    let wav: Buffer;
    try {
      wav = await renderPreview(path, query.seconds ?? 10, cleaned ? opts : null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new ApiError(404, "file_missing", "The stored audio is missing from UPLOADS_DIR");
      throw new ApiError(422, "undecodable", `The stored audio of "${file.originalName}" cannot be decoded: ${(err as Error).message}`);
    }
    return new Response(new Uint8Array(wav), {
      status: 200,
      headers: {
        "Content-Type": "audio/wav",
        "Content-Length": String(wav.length),
        "Cache-Control": "private, no-cache",
        "x-cleaning": cleaned ? describeCleaning(opts) : "off",
      },
    });
  }
  const { file, path } = await fileForPlayback(params.name, params.id);
  return fileResponse(req, { path, type: audioContentType(file.storedName), name: file.originalName }, {
    cacheControl: "private, max-age=3600",
    missing: { code: "file_missing", message: "The stored audio is missing from UPLOADS_DIR" },
  });
});

// any other method: 405 in the API's error shape with Allow (lib/http-methods.ts)
import { otherMethods } from "@/lib/http-methods";
export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
