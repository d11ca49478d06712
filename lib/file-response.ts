/** A stored file as an HTTP response, with single-range support so that browsers can seek in audio. */
import fs from "node:fs";
import { Readable } from "node:stream";
import { notFound } from "./errors";
import { parseRange } from "./uploads/http-range";

export interface ServedFile {
  path: string;
  type: string;
  /** the name a download is saved under */
  name: string;
}

/**
 * 200 with the whole file, 206 for a satisfiable `Range: bytes=…`, 416 otherwise; `download` adds
 * Content-Disposition attachment (ASCII fallback + RFC 5987 UTF-8 name).
 */
export async function fileResponse(req: Request, file: ServedFile, options: { download?: boolean; cacheControl?: string; missing?: { code: string; message: string } } = {}): Promise<Response> {
  const size = (await fs.promises.stat(file.path).catch(() => undefined))?.size;
  if (size === undefined) {
    throw notFound(options.missing?.code ?? "file_missing", options.missing?.message ?? `The stored file "${file.name}" is missing on disk`);
  }
  const headers: Record<string, string> = {
    "content-type": file.type,
    "accept-ranges": "bytes",
    "cache-control": options.cacheControl ?? "no-store",
  };
  if (options.download) {
    const ascii = file.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "");
    headers["content-disposition"] = `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`;
  }
  const range = parseRange(req.headers.get("range"), size);
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } });
  }
  const [start, end] = range ?? [0, size - 1];
  const body = size === 0 ? null : (Readable.toWeb(fs.createReadStream(file.path, { start, end })) as ReadableStream);
  return new Response(body, {
    status: range ? 206 : 200,
    headers: { ...headers, "content-length": String(size === 0 ? 0 : end - start + 1), ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}) },
  });
}
