/** A minimal tus 1.0.0 client over fetch, so that tests control every request (and can cut one off). */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { withAuth } from "./auth";

/** every request carries the tests' API token */
const fetch_ = (url: string, init: RequestInit) => fetch(url, withAuth(init));

export const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function metadata(m: Record<string, string>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(",");
}

export interface TusResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function result(res: Response): Promise<TusResult> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // tus's own plain-text answers
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function create(base: string, m: Record<string, string>, size: number | "defer", body?: Buffer): Promise<TusResult & { location?: string }> {
  const headers: Record<string, string> = { "Tus-Resumable": "1.0.0", "Upload-Metadata": metadata(m) };
  if (size === "defer") headers["Upload-Defer-Length"] = "1";
  else headers["Upload-Length"] = String(size);
  if (body) headers["Content-Type"] = "application/offset+octet-stream";
  const send = () => fetch_(`${base}/api/uploads`, { method: "POST", headers, body: body ? new Uint8Array(body) : undefined });
  let res: Response;
  try {
    res = await send();
  } catch (err) {
    // fetch reused a keep-alive socket the server was just closing (idle timeout): the request never
    // reached the server, so sending it again is safe
    if ((err as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw err;
    res = await send();
  }
  const r = await result(res);
  const loc = res.headers.get("location");
  return { ...r, location: loc ? new URL(loc, base).toString() : undefined };
}

export async function head(url: string): Promise<{ status: number; offset: number; length: number; expires: string | null }> {
  const res = await fetch_(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
  return {
    status: res.status,
    offset: Number(res.headers.get("upload-offset") ?? NaN),
    length: Number(res.headers.get("upload-length") ?? NaN),
    expires: res.headers.get("upload-expires"),
  };
}

export async function patch(url: string, offset: number, body: Buffer | ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<TusResult> {
  const res = await fetch_(url, {
    method: "PATCH",
    headers: { "Tus-Resumable": "1.0.0", "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
    body: body instanceof ReadableStream ? body : new Uint8Array(body),
    signal,
    // a stream body needs half-duplex in Node's fetch
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return result(res);
}

/** Upload a whole buffer in one POST + PATCH. */
export async function upload(base: string, m: Record<string, string>, data: Buffer): Promise<TusResult & { location?: string }> {
  const c = await create(base, m, data.length);
  if (c.status !== 201 || !c.location) return c;
  return { ...(await patch(c.location, 0, data)), location: c.location };
}

/** A stream that sends `first` bytes of data in 64 KiB pieces and then stalls until cancelled. */
export function stallingStream(data: Buffer, first: number): { stream: ReadableStream<Uint8Array>; sent: Promise<void> } {
  let sentResolve!: () => void;
  const sent = new Promise<void>((r) => (sentResolve = r));
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at >= first) {
        sentResolve();
        await new Promise(() => {}); // stall: the caller aborts
        return;
      }
      const end = Math.min(first, at + 65536);
      controller.enqueue(new Uint8Array(data.subarray(at, end)));
      at = end;
    },
  });
  return { stream, sent };
}

export const sha256 = (b: Buffer | string) => createHash("sha256").update(typeof b === "string" ? fs.readFileSync(b) : b).digest("hex");
