/**
 * The one multipart/form-data reader of the API. Nothing is buffered whole: the body is parsed as it streams in
 * (`@fastify/busboy`) and each file goes straight to a staging file under DATA_ROOT/request-bodies/{id}/, with every
 * limit enforced while reading — a declared Content-Length over the body limit is refused before a byte is read,
 * a chunked body is stopped at the limit, a file at its own limit, and unknown, repeated or oversized fields, too many
 * parts and files sent where text belongs (or the reverse) are refused at once. Any failure removes the staging folder.
 * Callers get the staged files (path, bytes, first bytes) and the text fields, and must `cleanup()` when done
 * (`withMultipart` does that).
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import { type Readable, Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import Busboy from "@fastify/busboy";
import { ApiError, badRequest } from "./errors";
import { claimMultipart } from "./idempotency";
import { paths } from "./paths";

export interface FileRule {
  /** largest accepted file, bytes */
  maxBytes: number;
  required: boolean;
  /** message when a required file is absent */
  missing: string;
  /** error code when a required file is absent (default missing_file) */
  missingCode?: string;
  /** refuse by the file's name before its content is read (throw an ApiError) */
  checkName?: (fileName: string) => void;
  /** how many files this field may carry (default 1); all of them are in StagedForm.all */
  maxCount?: number;
  /** the error for one file more than maxCount (default 400 too_many_files) */
  tooMany?: (limit: number) => ApiError;
}

export interface MultipartRules {
  files: Record<string, FileRule>;
  /** allowed text fields */
  fields: readonly string[];
  /** the error for a file or body over its limit (status 413) */
  tooLarge: (what: { field?: string; limit: number }) => ApiError;
  /** largest text field value, bytes (default 16 KiB) */
  maxFieldBytes?: number;
  /** largest whole body, bytes (default: every file and field at its limit, see bodyLimit) */
  maxBodyBytes?: number;
}

export interface StagedFile {
  field: string;
  /** the file name the client sent (base name only; never used as a path) */
  name: string;
  path: string;
  bytes: number;
  /** the first bytes (up to 16), for signature checks */
  head: Uint8Array;
  /** sha256 of the content (hex), computed while it streamed to disk */
  sha256: string;
}

export interface StagedForm {
  dir: string;
  /** the first file of each field */
  files: Partial<Record<string, StagedFile>>;
  /** every file of each field, in the order sent (fields with maxCount > 1 carry several) */
  all: Partial<Record<string, StagedFile[]>>;
  fields: Record<string, string>;
  cleanup: () => Promise<void>;
}

const HEAD_BYTES = 16;
const DEFAULT_FIELD_BYTES = 16 * 1024;
/** room for part headers and boundaries on top of the files' and fields' own limits */
const OVERHEAD_BYTES = 64 * 1024;

/** The most bytes a body may have under these rules: all files and fields at their limits plus framing. Pure. */
export function bodyLimit(rules: MultipartRules): number {
  if (rules.maxBodyBytes !== undefined) return rules.maxBodyBytes;
  const files = Object.values(rules.files).reduce((s, r) => s + r.maxBytes * (r.maxCount ?? 1), 0);
  return files + rules.fields.length * ((rules.maxFieldBytes ?? DEFAULT_FIELD_BYTES) + 1024) + OVERHEAD_BYTES;
}

/** Content-Length as a number; undefined when absent; an ApiError when malformed. Pure. */
export function declaredLength(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d{1,16}$/.test(value.trim())) throw badRequest("invalid_content_length", `Content-Length ${JSON.stringify(value)} is not a number`);
  return Number(value.trim());
}

const isFormType = (type: string) => /^multipart\/form-data\s*;.*boundary=/i.test(type);

/** Read a multipart body under `rules`; see the file comment. Throws ApiError (4xx) with nothing left on disk. */
export async function readMultipart(req: Request, rules: MultipartRules): Promise<StagedForm> {
  const type = req.headers.get("content-type") ?? "";
  if (!isFormType(type)) {
    throw new ApiError(415, "invalid_form", `Send multipart/form-data (got ${JSON.stringify(type.split(";")[0] || "no content type")})`);
  }
  const limit = bodyLimit(rules);
  const declared = declaredLength(req.headers.get("content-length"));
  if (declared !== undefined && declared > limit) throw closing(rules.tooLarge({ limit }));
  if (!req.body) throw badRequest("invalid_form", "The request has no body");

  const dir = paths().requestStaging(`${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`);
  await fsp.mkdir(dir, { recursive: true });
  const cleanup = () => fsp.rm(dir, { recursive: true, force: true });
  try {
    const { files, all, fields } = await parse(req.body, type, rules, dir, limit);
    for (const [field, rule] of Object.entries(rules.files)) {
      if (rule.required && !files[field]) throw badRequest(rule.missingCode ?? "missing_file", rule.missing, { field });
    }
    // an Idempotency-Key is reserved now that the files' digests are known (lib/idempotency.ts)
    await claimMultipart(fields, Object.values(all).flatMap((list) => list ?? []));
    return { dir, files, all, fields, cleanup };
  } catch (err) {
    await cleanup();
    throw closing(err);
  }
}

/**
 * A refusal sent before the body was read to its end also closes the connection: the unread rest must not be
 * taken for the next request on a kept-alive connection (and a client still sending learns to stop).
 */
export function closing(err: unknown): unknown {
  return err instanceof ApiError ? new ApiError(err.status, err.code, err.message, err.details, { ...err.headers, connection: "close" }) : err;
}

/** readMultipart, then `fn` with the staged form; the staging folder is removed afterwards in every case. */
export async function withMultipart<T>(req: Request, rules: MultipartRules, fn: (form: StagedForm) => Promise<T>): Promise<T> {
  const form = await readMultipart(req, rules);
  try {
    return await fn(form);
  } finally {
    await form.cleanup();
  }
}

function parse(body: ReadableStream<Uint8Array>, type: string, rules: MultipartRules, dir: string, limit: number) {
  const fileNames = Object.keys(rules.files);
  const allowed = new Set(rules.fields);
  const maxFieldBytes = rules.maxFieldBytes ?? DEFAULT_FIELD_BYTES;
  const files: Partial<Record<string, StagedFile>> = {};
  const all: Partial<Record<string, StagedFile[]>> = {};
  const fields: Record<string, string> = {};
  const writes: Promise<void>[] = [];

  return new Promise<{ files: typeof files; all: typeof all; fields: typeof fields }>((resolve, reject) => {
    let failed = false;
    let wake: (() => void) | undefined;
    const streams: (Readable | Writable)[] = [];
    /** resolves when a staging file's descriptor is closed */
    const closed: Promise<unknown>[] = [];
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      wake?.();
      // end every file write before the caller removes the folder, so no file is created after the removal
      for (const s of streams) s.destroy(new Error("request refused"));
      void Promise.all(closed).then(() => reject(err));
    };
    const unknownField = (field: string) =>
      badRequest("unknown_field", `Unknown form field ${JSON.stringify(field)}; allowed: ${[...fileNames, ...allowed].join(", ")}`, { field });

    const fileCount = Object.values(rules.files).reduce((s, r) => s + (r.maxCount ?? 1), 0);
    let bb: ReturnType<typeof Busboy>;
    try {
      bb = Busboy({
        headers: { "content-type": type },
        limits: {
          fieldNameSize: 100,
          fieldSize: maxFieldBytes,
          // a file's name sent as text is answered missing_file, so it counts among the text fields too
          fields: allowed.size + fileNames.length,
          files: fileCount,
          parts: allowed.size + fileCount,
          headerPairs: 16,
          headerSize: 8 * 1024,
        },
      });
    } catch (err) {
      return reject(badRequest("invalid_form", `The multipart/form-data header could not be read: ${(err as Error).message}`));
    }

    bb.on("file", (field, stream, fileName) => {
      const rule = rules.files[field];
      const refuse = (err: ApiError) => {
        stream.resume();
        fail(err);
      };
      if (failed) return void stream.resume();
      if (!rule) return refuse(allowed.has(field) ? badRequest("invalid_field", `Form field "${field}" must be text, not a file`, { field }) : unknownField(field));
      const list = (all[field] ??= []);
      const maxCount = rule.maxCount ?? 1;
      if (list.length >= maxCount) {
        return refuse(
          rule.tooMany?.(maxCount) ??
            (maxCount === 1
            ? badRequest("duplicate_field", `Form field "${field}" was sent more than once`, { field })
            : badRequest("too_many_files", `Form field "${field}" may carry at most ${maxCount} files`, { field, limit: maxCount })),
        );
      }
      try {
        rule.checkName?.(fileName ?? "");
      } catch (err) {
        return refuse(err as ApiError);
      }
      const file = list.length === 0 ? `${dir}/${field}.part` : `${dir}/${field}.${list.length}.part`;
      const staged: StagedFile = { field, name: fileName ?? "", path: file, bytes: 0, head: new Uint8Array(0), sha256: "" };
      files[field] ??= staged;
      list.push(staged);
      const digest = createHash("sha256");
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          staged.bytes += chunk.length;
          if (staged.bytes > rule.maxBytes) return cb(rules.tooLarge({ field, limit: rule.maxBytes }));
          if (staged.head.length < HEAD_BYTES) staged.head = Buffer.concat([staged.head, chunk.subarray(0, HEAD_BYTES - staged.head.length)]);
          digest.update(chunk);
          cb(null, chunk);
        },
        flush(cb) {
          staged.sha256 = digest.digest("hex");
          cb();
        },
      });
      const out = fs.createWriteStream(staged.path, { flags: "wx" });
      streams.push(stream, count, out);
      closed.push(new Promise<void>((r) => out.once("close", () => r())));
      writes.push(pipeline(stream, count, out).catch(fail));
    });

    bb.on("field", (field, value, _nameTruncated, valueTruncated) => {
      if (failed) return;
      const rule = rules.files[field];
      if (rule) return fail(badRequest(rule.missingCode ?? "missing_file", rule.missing || `Form field "${field}" must be a file`, { field }));
      if (!allowed.has(field)) return fail(unknownField(field));
      if (field in fields) return fail(badRequest("duplicate_field", `Form field "${field}" was sent more than once`, { field }));
      if (valueTruncated) return fail(rules.tooLarge({ field, limit: maxFieldBytes }));
      fields[field] = value;
    });

    const tooMany = () => fail(badRequest("too_many_parts", `Too many form fields: send only ${[...fileNames, ...allowed].join(", ")}, each at most once`));
    bb.on("partsLimit", tooMany);
    bb.on("filesLimit", tooMany);
    bb.on("fieldsLimit", tooMany);
    bb.on("error", (err) => fail(badRequest("invalid_form", `The multipart/form-data body could not be read: ${(err as Error).message}`)));
    bb.on("finish", () => {
      void Promise.all(writes).then(() => {
        if (!failed) resolve({ files, all, fields });
      });
    });

    void pump(body, bb, limit, () => failed, (w) => (wake = w)).catch((err) => fail(err));
    async function pump(src: ReadableStream<Uint8Array>, dest: NodeJS.WritableStream, max: number, stopped: () => boolean, onWake: (w: () => void) => void) {
      const reader = src.getReader();
      let total = 0;
      try {
        for (;;) {
          if (stopped()) return;
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (total > max) throw rules.tooLarge({ limit: max });
          if (!dest.write(value)) {
            await new Promise<void>((r) => {
              onWake(r);
              dest.once("drain", r);
            });
          }
        }
        if (!stopped()) dest.end();
      } catch (err) {
        throw err instanceof ApiError ? err : badRequest("invalid_form", `The request body could not be read: ${(err as Error).message}`);
      } finally {
        // stop reading but leave the connection to the server: cancelling the body would reset the socket before the error reaches the client
        reader.releaseLock();
      }
    }
  });
}

/** Move a staged file into place: a rename on the same filesystem, else a streamed copy (never read whole). */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fsp.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    await fsp.copyFile(from, to);
    await fsp.rm(from, { force: true });
  }
}
