// The asset downloader against a local HTTP server on 127.0.0.1 (no internet here): skip present files, resume a
// partial download with Range, sha256 and size checks, progress lines, atomic placement, errors per file.
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { downloadAsset, downloadAssets } from "./download";
import type { AssetSpec } from "./manifest";

const FILES: Record<string, Buffer> = {
  "a.bin": Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7 + 3) % 251)),
  "dir/b.onnx": Buffer.from("tiny model bytes ".repeat(1000)),
};
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

interface Hit {
  path: string;
  range: string | undefined;
}
let server: http.Server;
let base = "";
let hits: Hit[] = [];
/** while > 0, the next full or ranged response is cut off after this many bytes */
let cutAfter = 0;
let ignoreRange = false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/files\//, "");
    hits.push({ path: p, range: req.headers.range });
    const body = FILES[p];
    if (!body) {
      res.writeHead(404).end("not found");
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (m && !ignoreRange) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { "Content-Range": `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { "Content-Length": body.length - start, "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      res.writeHead(200, { "Content-Length": body.length });
    }
    const slice = body.subarray(start);
    if (cutAfter > 0) {
      const n = cutAfter;
      cutAfter = 0;
      res.write(slice.subarray(0, n), () => res.destroy()); // the connection drops mid-file
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

let root = "";
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "assets-"));
  hits = [];
  cutAfter = 0;
  ignoreRange = false;
});

const spec = (remote: string, over: Partial<AssetSpec> = {}): AssetSpec => ({
  path: `local/${remote}`,
  remote,
  size: FILES[remote]?.length ?? null,
  sha256: FILES[remote] ? sha(FILES[remote]) : null,
  purpose: "test",
  ...over,
});

const opts = (log: string[] = []) => ({ root, baseUrl: base, log: (l: string) => log.push(l), retryDelayMs: 1, progressIntervalMs: 0 });

describe("downloadAssets", () => {
  it("downloads, verifies and places files; a second run skips them without a request", async () => {
    const log: string[] = [];
    const r = await downloadAssets([spec("a.bin"), spec("dir/b.onnx")], opts(log));
    expect(r.map((x) => [x.status, x.verified])).toEqual([["downloaded", true], ["downloaded", true]]);
    expect(fs.readFileSync(path.join(root, "local/a.bin")).equals(FILES["a.bin"]!)).toBe(true);
    expect(fs.readFileSync(path.join(root, "local/dir/b.onnx")).equals(FILES["dir/b.onnx"]!)).toBe(true);
    expect(fs.readdirSync(path.join(root, "local")).some((f) => f.endsWith(".part"))).toBe(false);
    expect(log.some((l) => /MB \(\d+%\), [\d.]+ MB\/s/.test(l))).toBe(true); // progress lines
    hits = [];
    const again = await downloadAssets([spec("a.bin"), spec("dir/b.onnx")], opts());
    expect(again.map((x) => x.status)).toEqual(["present", "present"]);
    expect(hits).toEqual([]);
  });

  it("resumes a dropped connection with a Range request and ends with the right bytes", async () => {
    cutAfter = 100_000;
    const log: string[] = [];
    const r = await downloadAsset(spec("a.bin"), opts(log));
    expect(r.status).toBe("downloaded");
    expect(r.verified).toBe(true);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(hits[1]!.range ?? "")?.[1]);
    expect(resumedAt).toBeGreaterThan(0); // what arrived before the drop (≤ the 100,000 bytes sent)
    expect(resumedAt).toBeLessThanOrEqual(100_000);
    expect(log.some((l) => /resuming at/.test(l))).toBe(true);
    expect(fs.readFileSync(path.join(root, "local/a.bin")).equals(FILES["a.bin"]!)).toBe(true);
  });

  it("resumes a part file left by an earlier run, and restarts when the server ignores Range", async () => {
    fs.mkdirSync(path.join(root, "local"), { recursive: true });
    fs.writeFileSync(path.join(root, "local/a.bin.part"), FILES["a.bin"]!.subarray(0, 12345));
    expect((await downloadAsset(spec("a.bin"), opts())).status).toBe("downloaded");
    expect(hits.map((h) => h.range)).toEqual(["bytes=12345-"]);

    fs.mkdirSync(path.join(root, "local/dir"), { recursive: true });
    fs.writeFileSync(path.join(root, "local/dir/b.onnx.part"), "garbage!");
    ignoreRange = true;
    const r = await downloadAsset(spec("dir/b.onnx"), opts());
    expect(r.status).toBe("downloaded");
    expect(fs.readFileSync(path.join(root, "local/dir/b.onnx")).equals(FILES["dir/b.onnx"]!)).toBe(true);
  });

  it("a complete part file (416 on resume) is verified and placed", async () => {
    fs.mkdirSync(path.join(root, "local"), { recursive: true });
    fs.writeFileSync(path.join(root, "local/a.bin.part"), FILES["a.bin"]!);
    const r = await downloadAsset(spec("a.bin"), opts());
    expect([r.status, r.verified]).toEqual(["downloaded", true]);
  });

  it("a sha256 mismatch fails that file alone and leaves nothing under the real name", async () => {
    const log: string[] = [];
    const r = await downloadAssets([spec("a.bin", { sha256: "0".repeat(64) }), spec("dir/b.onnx")], opts(log));
    expect(r[0]!.status).toBe("failed");
    expect(r[0]!.error).toMatch(/sha256 mismatch/);
    expect(fs.existsSync(path.join(root, "local/a.bin"))).toBe(false);
    expect(fs.existsSync(path.join(root, "local/a.bin.part"))).toBe(false);
    expect(r[1]!.status).toBe("downloaded");
  });

  it("a present file with the wrong content is downloaded again", async () => {
    fs.mkdirSync(path.join(root, "local"), { recursive: true });
    fs.writeFileSync(path.join(root, "local/a.bin"), Buffer.alloc(FILES["a.bin"]!.length));
    const log: string[] = [];
    const r = await downloadAsset(spec("a.bin"), opts(log));
    expect(r.status).toBe("downloaded");
    expect(log.some((l) => /present but its sha256/.test(l))).toBe(true);
  });

  it("a file without a published hash is accepted unverified, with its hash reported", async () => {
    const r = await downloadAsset(spec("dir/b.onnx", { sha256: null, size: null }), opts());
    expect([r.status, r.verified, r.sha256]).toEqual(["downloaded", false, sha(FILES["dir/b.onnx"]!)]);
  });

  it("a 404 fails at once without retries, naming the URL", async () => {
    const r = await downloadAsset(spec("missing.bin"), opts());
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/HTTP 404 .* for http:\/\/127\.0\.0\.1:\d+\/files\/missing\.bin/);
    expect(hits).toHaveLength(1);
  });

  it("a server that keeps dropping gives up after the retries and keeps the part file to resume later", async () => {
    const log: string[] = [];
    let calls = 0;
    const dropping = async (url: string, init: { headers: Record<string, string> }) => {
      calls++;
      cutAfter = 1000;
      return fetch(url, init);
    };
    const r = await downloadAsset(spec("a.bin"), { ...opts(log), retries: 2, fetch: dropping });
    expect(r.status).toBe("failed");
    expect(calls).toBe(3);
    const kept = fs.statSync(path.join(root, "local/a.bin.part")).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(3000);
    expect(log.at(-1)).toMatch(/partial download kept/);
    expect((await downloadAsset(spec("a.bin"), opts())).status).toBe("downloaded");
  });
});
