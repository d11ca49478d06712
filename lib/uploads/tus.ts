/**
 * The tus 1.0.0 endpoint (creation, creation-with-upload, termination, expiration) on @tus/server with a FileStore
 * in UPLOADS_DIR/.incoming/. One server per process, kept on globalThis (Next may load the route module more than
 * once). Hooks: onUploadCreate validates before any byte is stored; onUploadFinish turns the upload into AudioFile
 * rows (ingest.ts / zip.ts) and answers with them as JSON. The incoming copy is removed once the response is built.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { Server } from "@tus/server";
import { FileStore } from "@tus/file-store";
import type { Upload } from "@tus/utils";
import { config } from "../config";
import { ApiError, isDatabaseDown } from "../errors";
import { paths, within } from "../paths";
import { uploadKind } from "../audio/formats";
import { acceptUpload, audioFileJson, ingestAudio } from "./ingest";
import { ingestZip, type Skipped } from "./zip";

export const TUS_PATH = "/api/uploads";

interface TusState {
  server: Server;
  store: FileStore;
  dir: string;
  timer: NodeJS.Timeout;
}

const g = globalThis as unknown as { __voiceStudioTus?: TusState };

/** incoming upload ids to delete once the response for this request exists (the store still stats them until then) */
const afterResponse = new WeakMap<object, string[]>();

function tusError(err: unknown): { status_code: number; body: string } {
  if (err instanceof ApiError) return { status_code: err.status, body: JSON.stringify(err.toBody()) };
  if (isDatabaseDown(err)) {
    return {
      status_code: 503,
      body: JSON.stringify({ error: { code: "database_unavailable", message: "The database is not reachable; check that Postgres is running" } }),
    };
  }
  // tus's own errors ({status_code, body}) pass through unchanged
  const e = err as { status_code?: number; body?: string };
  if (typeof e?.status_code === "number" && typeof e.body === "string") return { status_code: e.status_code, body: e.body };
  console.error("[uploads] unexpected error:", err);
  return { status_code: 500, body: JSON.stringify({ error: { code: "internal", message: (err as Error)?.message ?? "Internal error" } }) };
}

const metaOf = (upload: Upload, key: string) => upload.metadata?.[key] ?? "";

async function removeIncoming(dir: string, id: string): Promise<void> {
  const file = within(dir, id);
  await Promise.all([fs.rm(file, { force: true }), fs.rm(`${file}.json`, { force: true }), fs.rm(`${file}.unpack`, { recursive: true, force: true })]);
}

/**
 * Remove what the tus store's own expiry leaves: finished uploads whose processing never completed (the process
 * died), unpack folders, and data files without their .json. Only things older than the expiry period.
 */
export async function sweepIncoming(dir: string, maxAgeMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    const st = await fs.stat(p).catch(() => undefined);
    if (!st || now - st.mtimeMs < maxAgeMs) continue;
    const id = name.replace(/(\.json|\.unpack)$/, "");
    const isData = id === name;
    // a .json whose data file exists is judged with that data file
    if (name.endsWith(".json") && names.includes(id)) continue;
    if (isData && names.includes(`${id}.json`)) {
      // a finished upload still here past the expiry means its processing died; unfinished ones are the store's
      const info = JSON.parse(await fs.readFile(`${p}.json`, "utf8").catch(() => "{}")) as { size?: number };
      if (info.size === undefined || st.size !== info.size) continue;
    }
    await removeIncoming(dir, id);
    removed++;
  }
  return removed;
}

function create(): TusState {
  const cfg = config();
  const dir = paths().uploadsIncoming();
  const expiryMs = cfg.uploadExpiryHours * 3600_000;
  const store = new FileStore({ directory: dir, expirationPeriodInMilliseconds: expiryMs });
  const server = new Server({
    path: TUS_PATH,
    datastore: store,
    relativeLocation: true,
    disableTerminationForFinishedUploads: true,
    // no CORS for any origin (@tus/server answers `Access-Control-Allow-Origin: *` by default): only our own pages upload
    allowedOrigins: () => false,
    async onUploadCreate(_req, upload) {
      try {
        const ok = await acceptUpload({ experiment: metaOf(upload, "experiment"), filename: metaOf(upload, "filename"), size: upload.size });
        return {
          metadata: { ...upload.metadata, experiment: ok.experiment, filename: ok.filename, experimentId: ok.experimentId },
        };
      } catch (err) {
        throw tusError(err);
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
        const body = JSON.stringify({ files: files.map(audioFileJson), skipped });
        // PATCH would answer 204, which cannot carry the body; POST (creation-with-upload) must stay 201 for its Location
        return { ...(req.method === "PATCH" ? { status_code: 200 } : {}), headers: { "Content-Type": "application/json; charset=utf-8" }, body };
      } catch (err) {
        throw tusError(err);
      }
    },
  });
  const sweep = () => {
    server.cleanUpExpiredUploads().catch((err) => console.error("[uploads] expiry cleanup failed:", err));
    sweepIncoming(dir, expiryMs).catch((err) => console.error("[uploads] incoming sweep failed:", err));
  };
  const timer = setInterval(sweep, Math.min(expiryMs / 4, 3600_000));
  timer.unref();
  setTimeout(sweep, 5_000).unref();
  return { server, store, dir, timer };
}

export function tus(): TusState {
  g.__voiceStudioTus ??= create();
  return g.__voiceStudioTus;
}

/** The route handler's whole job: answer through tus, then drop the incoming copies that were ingested. */
export async function handleTus(req: Request): Promise<Response> {
  const t = tus();
  try {
    return await t.server.handleWeb(req as Parameters<Server["handleWeb"]>[0]);
  } finally {
    for (const id of afterResponse.get(req) ?? []) await removeIncoming(t.dir, id);
    afterResponse.delete(req);
  }
}
