import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { bodyLimit, declaredLength, readMultipart, type MultipartRules } from "./multipart";

let dataRoot: string;
const staging = () => path.join(dataRoot, "request-bodies");
const left = () => (fs.existsSync(staging()) ? fs.readdirSync(staging()) : []);

beforeAll(() => {
  dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-multipart-"));
  process.env.DATA_ROOT = dataRoot; // read on first use of config()
});
afterAll(() => fs.rmSync(dataRoot, { recursive: true, force: true }));

const KiB = 1024;
const rules: MultipartRules = {
  files: {
    pth: { maxBytes: 64 * KiB, required: true, missing: 'send "pth"', checkName: (n) => {
      if (!n.endsWith(".pth")) throw new ApiError(415, "unsupported_type", `${n} is not .pth`);
    } },
    index: { maxBytes: 64 * KiB, required: false, missing: "" },
  },
  fields: ["name"],
  maxFieldBytes: 100,
  tooLarge: ({ field, limit }) => new ApiError(413, "too_large", `${field ?? "body"} over ${limit}`, { field: field ?? null }),
};

const BOUNDARY = "----vs-test-boundary";
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
type Part = { name: string; file?: string; size?: number; text?: string; headless?: boolean };

function partHead(p: Part): string {
  if (p.headless) return `--${BOUNDARY}\r\nX-Note: no content-disposition\r\n\r\n`;
  const disp = `form-data; name="${p.name}"${p.file !== undefined ? `; filename="${p.file}"` : ""}`;
  return `--${BOUNDARY}\r\nContent-Disposition: ${disp}\r\n${p.file !== undefined ? "Content-Type: application/octet-stream\r\n" : ""}\r\n`;
}

/** A multipart body made on demand (file contents are bytes i % 251), counting how many bytes were pulled from it. */
function source(parts: Part[], opts: { truncate?: boolean } = {}) {
  const pieces: (Uint8Array | number)[] = [];
  for (const p of parts) {
    pieces.push(Buffer.from(partHead(p)));
    pieces.push(p.text !== undefined ? Buffer.from(p.text) : (p.size ?? 0));
    pieces.push(Buffer.from("\r\n"));
  }
  if (!opts.truncate) pieces.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  const length = pieces.reduce<number>((s, x) => s + (typeof x === "number" ? x : x.length), 0);
  let pulled = 0;
  let i = 0;
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i >= pieces.length) return c.close();
      const piece = pieces[i]!;
      let chunk: Uint8Array;
      if (typeof piece === "number") {
        const n = Math.min(16 * KiB, piece - offset);
        chunk = new Uint8Array(n).map((_, k) => (offset + k) % 251);
        offset += n;
        if (offset >= piece) (i++, (offset = 0));
      } else {
        chunk = piece;
        i++;
      }
      pulled += chunk.length;
      c.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { stream, length, pulled: () => pulled };
}

function request(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return new Request("http://t/x", { method: "POST", body, headers: { "content-type": TYPE, ...headers }, duplex: "half" } as RequestInit);
}

async function refused(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("readMultipart", () => {
  it("stages files on disk with their size and first bytes, and returns the text fields", async () => {
    const fd = new FormData();
    fd.append("pth", new File([new Uint8Array(50_000).map((_, i) => i % 7)], "../my model.pth"));
    fd.append("name", "voice");
    const form = await readMultipart(new Request("http://t/x", { method: "POST", body: fd }), rules);
    const pth = form.files.pth!;
    expect(pth).toMatchObject({ field: "pth", name: "my model.pth", bytes: 50_000 });
    expect([...pth.head]).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1]);
    expect(fs.statSync(pth.path).size).toBe(50_000);
    expect(path.dirname(pth.path).startsWith(staging())).toBe(true);
    expect(form.files.index).toBeUndefined();
    expect(form.fields).toEqual({ name: "voice" });
    await form.cleanup();
    expect(left()).toEqual([]);
  });

  it("refuses a declared Content-Length over the limit without reading a byte", async () => {
    const src = source([{ name: "pth", file: "a.pth", size: 10 * 1024 * KiB }]);
    const err = await refused(readMultipart(request(src.stream, { "content-length": String(src.length) }), rules));
    expect(err.status).toBe(413);
    expect(src.pulled()).toBe(0);
    expect(left()).toEqual([]);
  });

  it("stops a body without Content-Length at the file's limit", async () => {
    const src = source([{ name: "pth", file: "a.pth", size: 10 * 1024 * KiB }]);
    const err = await refused(readMultipart(request(src.stream), rules));
    expect(err.status).toBe(413);
    expect(err.details).toEqual({ field: "pth" });
    expect(src.pulled()).toBeLessThan(bodyLimit(rules));
    expect(left()).toEqual([]);
  });

  it("stops a body at the body limit even when it is only parts the parser skips", async () => {
    // one huge preamble before the first boundary: no part, no file, but bytes
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += 16 * KiB;
        c.enqueue(new Uint8Array(16 * KiB).fill(0x61));
      },
    }, { highWaterMark: 0 });
    const err = await refused(readMultipart(request(stream), rules));
    expect(err.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(bodyLimit(rules) + 16 * KiB);
  });

  it.each([
    ["an unknown text field", [{ name: "colour", text: "red" }], 400, "unknown_field"],
    ["an unknown file field", [{ name: "extra", file: "x.bin", size: 10 }], 400, "unknown_field"],
    ["a file where text belongs", [{ name: "name", file: "n.txt", size: 3 }], 400, "invalid_field"],
    ["text where a file belongs", [{ name: "pth", text: "hello" }], 400, "missing_file"],
    ["a missing required file", [{ name: "name", text: "x" }], 400, "missing_file"],
    ["a file sent twice", [{ name: "pth", file: "a.pth", size: 10 }, { name: "pth", file: "b.pth", size: 10 }], 400, "duplicate_field"],
    ["a text field over its limit", [{ name: "name", text: "x".repeat(101) }], 413, "too_large"],
    ["a refused file name", [{ name: "pth", file: "a.exe", size: 10 * 1024 * KiB }], 415, "unsupported_type"],
    ["a repeated text field", [{ name: "name", text: "a" }, { name: "name", text: "b" }], 400, "duplicate_field"],
    ["too many parts (parts the parser skips count too)", Array.from({ length: 5 }, () => ({ name: "", text: "a", headless: true })), 400, "too_many_parts"],
  ] as [string, Part[], number, string][])("refuses %s, leaving nothing on disk", async (_what, parts, status, code) => {
    const src = source(parts);
    const err = await refused(readMultipart(request(src.stream), rules));
    expect([err.status, err.code]).toEqual([status, code]);
    expect(src.pulled()).toBeLessThan(1024 * KiB);
    expect(left()).toEqual([]);
  });

  it("refuses a body that ends in the middle of a file, and one that is not multipart", async () => {
    const cut = source([{ name: "pth", file: "a.pth", size: 1000 }], { truncate: true });
    const err = await refused(readMultipart(request(cut.stream), rules));
    expect([err.status, err.code]).toEqual([400, "invalid_form"]);
    expect(left()).toEqual([]);
    const json = await refused(readMultipart(new Request("http://t/x", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }), rules));
    expect([json.status, json.code]).toEqual([415, "invalid_form"]);
  });

  it("reads Content-Length strictly", () => {
    expect(declaredLength(null)).toBeUndefined();
    expect(declaredLength("123")).toBe(123);
    expect(() => declaredLength("12abc")).toThrow(ApiError);
    expect(() => declaredLength("-1")).toThrow(ApiError);
  });
});
