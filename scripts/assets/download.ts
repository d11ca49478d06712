// Download model files into ASSETS_ROOT: skip files already present (and valid), resume partial downloads
// (`<file>.part` + HTTP Range), check sizes and sha256, print progress, and move a file into place only once it is
// complete and verified, so ASSETS_ROOT never holds a half-written model under its real name.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AssetSpec } from "./manifest";

export type FetchLike = (url: string, init: { headers: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;

export interface DownloadOptions {
  /** ASSETS_ROOT */
  root: string;
  /** base URL the specs' `remote` paths are resolved against (ends with /) */
  baseUrl: string;
  log?: (line: string) => void;
  /** attempts per file after the first (each resumes from the part file); default 3 */
  retries?: number;
  /** milliseconds between progress lines; default 1000 */
  progressIntervalMs?: number;
  /** delay before a retry, ms; default 1000 */
  retryDelayMs?: number;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

export interface AssetResult {
  path: string;
  status: "present" | "downloaded" | "failed";
  bytes: number;
  /** hash of the file on disk, when computed */
  sha256: string | null;
  /** true when the hash matched a known sha256 */
  verified: boolean;
  error?: string;
}

export async function sha256File(file: string, upTo?: number): Promise<string> {
  const h = createHash("sha256");
  const stream = fs.createReadStream(file, upTo === undefined ? {} : { end: upTo - 1 });
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest("hex");
}

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

const mb = (n: number) => (n / 1e6).toFixed(1);

/** Whether an existing file is the asset: known size and known hash must match. */
async function checkPresent(spec: AssetSpec, dest: string, log: (l: string) => void): Promise<AssetResult | null> {
  const size = sizeOf(dest);
  if (size === null) return null;
  if (spec.size !== null && size !== spec.size) {
    log(`${spec.path}: present but ${size} bytes instead of ${spec.size}; downloading again`);
    return null;
  }
  if (spec.sha256) {
    const got = await sha256File(dest);
    if (got !== spec.sha256) {
      log(`${spec.path}: present but its sha256 is ${got}, expected ${spec.sha256}; downloading again`);
      return null;
    }
    return { path: spec.path, status: "present", bytes: size, sha256: got, verified: true };
  }
  return { path: spec.path, status: "present", bytes: size, sha256: null, verified: false };
}

class HttpError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** One attempt: continue `part` from its current size. Resolves when the server has sent everything. */
async function fetchInto(url: string, part: string, spec: AssetSpec, opts: DownloadOptions, log: (l: string) => void): Promise<void> {
  const doFetch: FetchLike = opts.fetch ?? ((u, init) => fetch(u, init));
  let offset = sizeOf(part) ?? 0;
  if (spec.size !== null && offset > spec.size) {
    fs.truncateSync(part, 0);
    offset = 0;
  }
  const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
  const res = await doFetch(url, { headers, signal: opts.signal });
  if (res.status === 416 && offset > 0) {
    await res.body?.cancel();
    return; // the part file already holds everything the server has; verification decides
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new HttpError(`HTTP ${res.status} ${res.statusText} for ${url}`, res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429);
  }
  let start = offset;
  if (res.status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
    if (!m || Number(m[1]) !== offset) {
      await res.body?.cancel();
      fs.truncateSync(part, 0);
      throw new Error(`server answered the range request with ${res.headers.get("content-range") ?? "no Content-Range"}; restarting`);
    }
    if (offset > 0) log(`${spec.path}: resuming at ${mb(offset)} MB`);
  } else {
    start = 0; // 200: the whole file again
  }
  const length = Number(res.headers.get("content-length") ?? NaN);
  const total = Number.isFinite(length) ? start + length : spec.size;
  const out = fs.createWriteStream(part, { flags: start === 0 ? "w" : "a" });
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
  });
  let got = start;
  let lastLog = Date.now();
  let lastBytes = got;
  const interval = opts.progressIntervalMs ?? 1000;
  try {
    if (!res.body) throw new Error("empty response body");
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      got += chunk.byteLength;
      const now = Date.now();
      if (now - lastLog >= interval) {
        const rate = ((got - lastBytes) / (now - lastLog)) * 1000;
        const pct = total ? ` (${((100 * got) / total).toFixed(0)}%)` : "";
        log(`${spec.path}: ${mb(got)}${total ? `/${mb(total)}` : ""} MB${pct}, ${mb(rate)} MB/s`);
        lastLog = now;
        lastBytes = got;
      }
    }
  } finally {
    out.end();
    await done;
  }
  if (total !== null && total !== undefined && got < total) throw new Error(`connection ended at ${got} of ${total} bytes`);
}

/** Download one asset unless it is present; never throws for a download problem (the result says failed). */
export async function downloadAsset(spec: AssetSpec, opts: DownloadOptions): Promise<AssetResult> {
  const log = opts.log ?? (() => {});
  const dest = path.join(opts.root, spec.path);
  const part = `${dest}.part`;
  const present = await checkPresent(spec, dest, log);
  if (present) {
    log(`${spec.path}: present${present.verified ? " (sha256 ok)" : ""}, skipped`);
    return present;
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const url = new URL(spec.remote, opts.baseUrl).toString();
  const retries = opts.retries ?? 3;
  let lastError = "";
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (opts.signal?.aborted) break;
    try {
      if (attempt === 0) log(`${spec.path}: downloading ${url}`);
      await fetchInto(url, part, spec, opts, log);
      const bytes = sizeOf(part) ?? 0;
      if (spec.size !== null && bytes !== spec.size) throw new Error(`size ${bytes} bytes, expected ${spec.size}`);
      const sha = await sha256File(part);
      if (spec.sha256 && sha !== spec.sha256) {
        fs.rmSync(part, { force: true });
        return { path: spec.path, status: "failed", bytes, sha256: sha, verified: false, error: `sha256 mismatch: got ${sha}, expected ${spec.sha256}` };
      }
      fs.renameSync(part, dest);
      log(`${spec.path}: done, ${mb(bytes)} MB, sha256 ${sha}${spec.sha256 ? " (verified)" : " (no published hash: unverified)"}`);
      return { path: spec.path, status: "downloaded", bytes, sha256: sha, verified: spec.sha256 !== null };
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
      lastError = (err instanceof Error ? err.message : String(err)) + cause;
      if (err instanceof HttpError && err.permanent) break;
      if (attempt < retries && !opts.signal?.aborted) {
        log(`${spec.path}: ${lastError}; retrying (${attempt + 1}/${retries})`);
        await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 1000));
      }
    }
  }
  log(`${spec.path}: FAILED: ${lastError}${fs.existsSync(part) ? ` (partial download kept in ${path.basename(part)}; run again to resume)` : ""}`);
  return { path: spec.path, status: "failed", bytes: sizeOf(part) ?? 0, sha256: null, verified: false, error: lastError };
}

/** Each asset in turn; one failure does not stop the others. */
export async function downloadAssets(specs: readonly AssetSpec[], opts: DownloadOptions): Promise<AssetResult[]> {
  const results: AssetResult[] = [];
  for (const spec of specs) results.push(await downloadAsset(spec, opts));
  return results;
}
