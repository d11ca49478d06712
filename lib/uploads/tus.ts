/**
 * The tus 1.0.0 endpoint (creation, creation-with-upload, termination, expiration) on @tus/server with a FileStore
 * in UPLOADS_DIR/.incoming/. One server per process, kept on globalThis (Next may load the route module more than
 * once). Hooks: onUploadCreate validates before any byte is stored; onUploadFinish turns the upload into AudioFile
 * rows (ingest.ts / zip.ts) and answers with them as JSON. The incoming copy is removed once the response is built.
 */
import { isConnectionError } from "../db-outage";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import path from "node:path";
import { Server } from "@tus/server";
import { FileStore } from "@tus/file-store";
import { ERRORS, type Upload } from "@tus/utils";
import { config } from "../config";
import { asDiskFull, isDiskFull, requireFreeSpace } from "../disk";
import { ApiError, databaseUnavailableBody, internalError } from "../errors";
import { paths, within } from "../paths";
import { uploadKind } from "../audio/formats";
import { acceptUpload, audioFileJson, ingestAudio } from "./ingest";
import { tidyTusResponse } from "./tus-response";
import { Admission } from "./unfinished";
import { ingestZip, type Skipped } from "./zip";
import { queueAnalysisById } from "../dataset/queue";
import { separateNewUploads } from "../separation";

export const TUS_PATH = "/api/uploads";

interface TusState {
  server: Server;
  store: FileStore;
  dir: string;
  timer: NodeJS.Timeout;
  admission: Admission;
}

const g = globalThis as unknown as { __voiceStudioTus?: TusState };

/** incoming upload ids to delete once the response for this request exists (the store still stats them until then) */
const afterResponse = new WeakMap<object, string[]>();
/** the upload a POST reserved at admission, released once the request is answered */
const reservedBy = new WeakMap<object, string>();

/** Our errors as tus answers (JSON bodies); a full disk is 507 disk_full, anything unexpected a generic 500. */
async function tusError(err: unknown): Promise<{ status_code: number; body: string }> {
  if (err instanceof ApiError) return { status_code: err.status, body: JSON.stringify(err.toBody()) };
  const full = await asDiskFull(err, ["UPLOADS_DIR"]).catch(() => undefined);
  if (full) {
    console.error(`[uploads] disk full: ${full.message}`, err);
    return { status_code: full.status, body: JSON.stringify(full.toBody()) };
  }
  if (isConnectionError(err)) return { status_code: 503, body: JSON.stringify(databaseUnavailableBody()) };
  // tus's own errors ({status_code, body}) pass through unchanged
  const e = err as { status_code?: number; body?: string };
  if (typeof e?.status_code === "number" && typeof e.body === "string") return { status_code: e.status_code, body: e.body };
  const internal = internalError(err, "uploads");
  return { status_code: internal.status, body: JSON.stringify(internal.body) };
}

const metaOf = (upload: Upload, key: string) => upload.metadata?.[key] ?? "";

async function removeIncoming(dir: string, id: string): Promise<void> {
  const file = within(dir, id);
  await Promise.all([fs.rm(file, { force: true }), fs.rm(`${file}.json`, { force: true }), fs.rm(`${file}.unpack`, { recursive: true, force: true })]);
}

/** A .json this old that cannot be read as upload metadata is a leftover (e.g. a 0-byte file from a full disk). */
export const BROKEN_METADATA_GRACE_MS = 10 * 60_000;

/** The upload's size from its .json, or "broken" when the file is empty, not JSON, or not an object. */
async function readInfo(file: string): Promise<{ size?: number } | "broken" | "gone"> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? "gone" : "broken";
  }
  try {
    const info = JSON.parse(text) as unknown;
    if (info === null || typeof info !== "object" || Array.isArray(info)) return "broken";
    const size = (info as { size?: unknown }).size;
    return typeof size === "number" ? { size } : {};
  } catch {
    return "broken";
  }
}

/**
 * Remove what the tus store's own expiry leaves: finished uploads whose processing never completed (the process
 * died), unpack folders, and data files without their .json — only things older than the expiry period — and
 * unreadable .json metadata (0 bytes, not JSON) with its data file once older than BROKEN_METADATA_GRACE_MS (the
 * store's own expiry stops at such a file). One bad entry never stops the sweep: it is logged and skipped.
 */
export async function sweepIncoming(dir: string, maxAgeMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  const present = new Set(names);
  const done = new Set<string>();
  const brokenAge = Math.min(maxAgeMs, BROKEN_METADATA_GRACE_MS);
  for (const name of names) {
    const id = name.replace(/(\.json|\.unpack)$/, "");
    if (done.has(id)) continue;
    try {
      const p = path.join(dir, name);
      const st = await fs.stat(p).catch(() => undefined);
      if (!st) continue;
      const age = now - st.mtimeMs;
      const isData = id === name;
      if (name.endsWith(".json")) {
        const info = await readInfo(p);
        if (info === "gone") continue;
        if (info === "broken") {
          if (age < brokenAge) continue;
          console.warn(`[uploads] removing incoming upload ${id}: its metadata file is unreadable (${st.size} bytes)`);
        } else if (present.has(id)) {
          continue; // a .json whose data file exists is judged with that data file
        } else if (age < maxAgeMs) {
          continue;
        }
      } else {
        if (age < maxAgeMs) continue;
        if (isData && present.has(`${id}.json`)) {
          // a finished upload still here past the expiry means its processing died; unfinished ones are the store's
          const info = await readInfo(`${p}.json`);
          if (info === "broken") {
            const jst = await fs.stat(`${p}.json`).catch(() => undefined);
            if (jst && now - jst.mtimeMs < brokenAge) continue;
          } else if (info !== "gone" && (info.size === undefined || st.size !== info.size)) {
            continue;
          }
        }
      }
      await removeIncoming(dir, id);
      done.add(id);
      removed++;
    } catch (err) {
      console.error(`[uploads] incoming sweep: could not handle ${name}:`, err);
    }
  }
  return removed;
}

/**
 * FileStore, except that a write failing on a full disk says so: the stock store turns every write error into
 * FILE_WRITE_ERROR (a plain-text 500), which would hide ENOSPC; other write errors stay exactly that.
 */
class StudioFileStore extends FileStore {
  private readonly dir: string;

  constructor(options: ConstructorParameters<typeof FileStore>[0]) {
    super(options);
    this.dir = options.directory;
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const out = createWriteStream(within(this.dir, id), { flags: "r+", start: offset });
    try {
      await pipeline(readable, out);
    } catch (err) {
      if (isDiskFull(err)) throw await tusError(err);
      throw ERRORS.FILE_WRITE_ERROR;
    }
    return offset + out.bytesWritten;
  }
}

function create(): TusState {
  const cfg = config();
  const dir = paths().uploadsIncoming();
  const expiryMs = cfg.uploadExpiryHours * 3600_000;
  const store = new StudioFileStore({ directory: dir, expirationPeriodInMilliseconds: expiryMs });
  const admission = new Admission(dir, expiryMs);
  const server = new Server({
    path: TUS_PATH,
    datastore: store,
    relativeLocation: true,
    disableTerminationForFinishedUploads: true,
    // no CORS for any origin (@tus/server answers `Access-Control-Allow-Origin: *` by default): only our own pages upload
    allowedOrigins: () => false,
    // errors of the store itself (a write failing with ENOSPC, …): JSON like ours, never tus's raw-message text
    async onResponseError(_req, err) {
      const e = err as { status_code?: number };
      return typeof e?.status_code === "number" ? undefined : tusError(err);
    },
    async onUploadCreate(req, upload) {
      try {
        // one admission at a time, counting the uploads in progress (and those admitted a moment ago)
        const ok = await admission.admit(async (unfinished) => {
          const accepted = await acceptUpload(
            { experiment: metaOf(upload, "experiment"), filename: metaOf(upload, "filename"), size: upload.size },
            unfinished,
          );
          // the declared length must fit (a .zip is unpacked next to itself: twice)
          const size = upload.size ?? 0;
          await requireFreeSpace(dir, uploadKind(accepted.filename) === "archive" ? 2 * size : size, "this upload");
          return { result: accepted, reserve: { id: upload.id, experimentId: accepted.experimentId, size } };
        });
        reservedBy.set(req, upload.id);
        return {
          metadata: { ...upload.metadata, experiment: ok.experiment, filename: ok.filename, experimentId: ok.experimentId },
        };
      } catch (err) {
        throw await tusError(err);
      }
    },
    async onUploadFinish(req, upload) {
      afterResponse.set(req, [...(afterResponse.get(req) ?? []), upload.id]);
      const file = within(dir, upload.id);
      const filename = metaOf(upload, "filename");
      const experimentId = metaOf(upload, "experimentId");
      try {
        let files;
        let skipped: Skipped[] = [];
        if (uploadKind(filename) === "archive") {
          ({ files, skipped } = await ingestZip(file, experimentId, filename, `${file}.unpack`));
        } else {
          files = [await ingestAudio(file, experimentId, filename)];
        }
        // the dataset doctor measures the new files (one queued analyze job per experiment takes them all)
        if (files.length) await queueAnalysisById(experimentId);
        // the experiment's "isolate vocals" switch (issue 19): each new file is separated
        if (files.length) await separateNewUploads(experimentId, files);
        const body = JSON.stringify({ files: files.map(audioFileJson), skipped });
        // PATCH would answer 204, which cannot carry the body; POST (creation-with-upload) must stay 201 for its Location
        return { ...(req.method === "PATCH" ? { status_code: 200 } : {}), headers: { "Content-Type": "application/json; charset=utf-8" }, body };
      } catch (err) {
        throw await tusError(err);
      }
    },
  });
  // ours first: it removes unreadable metadata, at which the store's own expiry would stop
  const sweep = () =>
    sweepIncoming(dir, expiryMs)
      .catch((err) => console.error("[uploads] incoming sweep failed:", err))
      .then(() => server.cleanUpExpiredUploads())
      .catch((err) => console.error("[uploads] expiry cleanup failed:", err));
  const timer = setInterval(sweep, Math.min(expiryMs / 4, 3600_000));
  timer.unref();
  setTimeout(sweep, 5_000).unref();
  return { server, store, dir, timer, admission };
}

export function tus(): TusState {
  g.__voiceStudioTus ??= create();
  return g.__voiceStudioTus;
}

/**
 * The route handler's whole job: answer through tus (refusals as JSON, no CORS headers), then drop the incoming
 * copies that were ingested and the admission's reservation.
 */
export async function handleTus(req: Request): Promise<Response> {
  const t = tus();
  try {
    return await tidyTusResponse(await t.server.handleWeb(req as Parameters<Server["handleWeb"]>[0]));
  } finally {
    const reserved = reservedBy.get(req);
    if (reserved) t.admission.release(reserved);
    reservedBy.delete(req);
    for (const id of afterResponse.get(req) ?? []) await removeIncoming(t.dir, id);
    afterResponse.delete(req);
  }
}
