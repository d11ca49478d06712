/**
 * A .zip of audio files, unpacked safely: entry names are only ever shown (files get generated names), an entry
 * that climbs out ("../", absolute) rejects the whole archive, and the entry count, the unpacked size (as declared
 * and as actually streamed: yauzl checks each entry's real size) and the compression ratio of each entry (of any
 * size) and of the whole archive are limited (lib/uploads/limits.ts), all before anything is written.
 * Non-audio entries, unreadable audio and duplicates are skipped and reported.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { config } from "../config";
import { ApiError } from "../errors";
import { paths, within } from "../paths";
import { extensionOf, uploadKind } from "../audio/formats";
import type { AudioFile } from "../db";
import { uploadErrors } from "./errors";
import { examine, recordAudio } from "./ingest";
import { zipSizeIssue } from "./limits";
import { cleanOriginalName } from "./names";

export interface Skipped {
  name: string;
  reason: string;
}

export function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, zf) =>
      err ? reject(err) : resolve(zf!),
    ),
  );
}

/** Every entry of the central directory; refuses more than maxEntries and entries that climb out (422 zip_unsafe_path). */
export function readEntries(zf: yauzl.ZipFile, maxEntries: number): Promise<yauzl.Entry[]> {
  if (zf.entryCount > maxEntries) return Promise.reject(uploadErrors.zipTooManyEntries(zf.entryCount, maxEntries));
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zf.on("entry", (e: yauzl.Entry) => {
      entries.push(e);
      zf.readEntry();
    });
    zf.on("end", () => resolve(entries));
    zf.on("error", (err: Error) => {
      const m = /^(?:invalid relative path|absolute path|invalid characters in fileName): (.*)$/s.exec(err.message);
      reject(m ? uploadErrors.zipUnsafePath(m[1]!) : uploadErrors.zipInvalid(err.message));
    });
    zf.readEntry();
  });
}

/** Stream one entry to `dest` (a new file); yauzl checks its real size against the declared one. */
export function extract(zf: yauzl.ZipFile, entry: yauzl.Entry, dest: string): Promise<void> {
  return new Promise((resolve, reject) =>
    zf.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      pipeline(stream!, fs.createWriteStream(dest, { flags: "wx" })).then(resolve, reject);
    }),
  );
}

export async function ingestZip(
  src: string,
  experimentId: string,
  zipName: string,
  workDir: string,
): Promise<{ files: AudioFile[]; skipped: Skipped[] }> {
  const cfg = config();
  let zf: yauzl.ZipFile;
  try {
    zf = await openZip(src);
  } catch (err) {
    throw uploadErrors.zipInvalid((err as Error).message);
  }
  try {
    const entries = await readEntries(zf, cfg.zipMaxEntries);
    const { size: archiveBytes } = await fsp.stat(src);
    const issue = zipSizeIssue(entries, archiveBytes, { maxEntries: cfg.zipMaxEntries, maxUnpackedBytes: cfg.zipMaxUnpackedBytes });
    if (issue) throw issue;
    paths().assertWritable(workDir);
    await fsp.mkdir(workDir, { recursive: true });
    const prefix = path.posix.basename(zipName.replace(/\\/g, "/"));
    const files: AudioFile[] = [];
    const skipped: Skipped[] = [];
    let n = 0;
    for (const e of entries) {
      const name = e.fileName;
      if (name.endsWith("/")) continue; // a folder
      const shown = `${prefix}/${name}`;
      const base = path.posix.basename(name);
      if (name.startsWith("__MACOSX/") || base.startsWith("._") || base === ".DS_Store") {
        skipped.push({ name: shown, reason: "macOS metadata, not audio" });
        continue;
      }
      const kind = uploadKind(base);
      if (kind === "archive") {
        skipped.push({ name: shown, reason: "archives inside archives are not unpacked" });
        continue;
      }
      if (kind !== "audio") {
        skipped.push({ name: shown, reason: "not an audio file type" });
        continue;
      }
      if (e.isEncrypted()) {
        skipped.push({ name: shown, reason: "encrypted entries are not supported" });
        continue;
      }
      const tmp = within(workDir, `${n++}.${extensionOf(base)}`);
      try {
        await extract(zf, e, tmp);
        const original = cleanOriginalName(shown);
        const examined = await examine(tmp, original);
        files.push(await recordAudio(tmp, experimentId, original, examined));
      } catch (err) {
        if (err instanceof ApiError && err.code === "quota_exceeded") {
          skipped.push({ name: shown, reason: err.message });
          break;
        }
        if (err instanceof ApiError && err.status !== 404) skipped.push({ name: shown, reason: err.message });
        else if (err instanceof Error && /too many bytes|too few bytes|invalid|unsupported|compression/i.test(err.message) && !(err instanceof ApiError)) {
          skipped.push({ name: shown, reason: `could not be unpacked: ${err.message}` });
        } else throw err;
      } finally {
        await fsp.rm(tmp, { force: true });
      }
    }
    if (files.length === 0) {
      const dups = skipped.filter((s) => /already in the experiment/.test(s.reason));
      if (dups.length > 0 && dups.length === skipped.filter((s) => !/not an audio file type|macOS/.test(s.reason)).length) {
        throw new ApiError(409, "duplicate_file", `Nothing new in "${prefix}": its audio is already in the experiment`, { skipped });
      }
      throw uploadErrors.zipNoAudio(skipped);
    }
    return { files, skipped };
  } finally {
    zf.close();
    await fsp.rm(workDir, { recursive: true, force: true });
  }
}
