/** The stored audio for the play button, with Range support so that the browser can seek. */
import fs from "node:fs";
import { Readable } from "node:stream";
import { ApiError } from "@/lib/errors";
import { route } from "@/lib/http";
import { audioContentType, parseRange } from "@/lib/uploads/http-range";
import { fileForPlayback } from "@/lib/uploads/files";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string; id: string }> };

export const GET = route(async (req, { params }: Ctx) => {
  const { name, id } = await params;
  const { file, path } = await fileForPlayback(name, id);
  const size = (await fs.promises.stat(path).catch(() => undefined))?.size;
  if (size === undefined) throw new ApiError(404, "file_missing", "The stored audio is missing from UPLOADS_DIR");
  const headers: Record<string, string> = {
    "content-type": audioContentType(file.storedName),
    "accept-ranges": "bytes",
    "cache-control": "private, max-age=3600",
  };
  const range = parseRange(req.headers.get("range"), size);
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } });
  }
  const [start, end] = range ?? [0, size - 1];
  const body = size === 0 ? null : (Readable.toWeb(fs.createReadStream(path, { start, end })) as ReadableStream);
  return new Response(body, {
    status: range ? 206 : 200,
    headers: { ...headers, "content-length": String(size === 0 ? 0 : end - start + 1), ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}) },
  });
});
