import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ApiError } from "../errors";
import { unfinishedIssue, zipSizeIssue, ZIP_RATIO_SLACK_BYTES, type UnfinishedUpload } from "./limits";
import { errorBodyJson, tidyTusResponse } from "./tus-response";
import { Admission, readUnfinished } from "./unfinished";

const MiB = 1024 * 1024;
const limits = { maxEntries: 5000, maxUnpackedBytes: 4096 * MiB };
const entry = (fileName: string, uncompressedSize: number, compressedSize: number) => ({ fileName, uncompressedSize, compressedSize });

describe("zip limits", () => {
  it("passes ordinary audio archives and small, very compressible entries", () => {
    const audio = [entry("a.wav", 10 * MiB, 9 * MiB), entry("b.flac", 5 * MiB, 5 * MiB)];
    expect(zipSizeIssue(audio, 14 * MiB + 500, limits)).toBeUndefined();
    // a 6 KB .DS_Store that deflates to 40 bytes, next to real audio
    expect(zipSizeIssue([...audio, entry(".DS_Store", 6148, 40)], 14 * MiB + 600, limits)).toBeUndefined();
  });

  it("refuses 1,000 entries of exactly 1 MiB of zeros (1.2 MB zipped): each entry's ratio counts whatever its size", () => {
    const bomb = Array.from({ length: 1000 }, (_, i) => entry(`z${i}.wav`, MiB, 1043));
    const e = zipSizeIssue(bomb, 1_200_000, limits);
    expect(e?.status).toBe(422);
    expect(e?.code).toBe("zip_suspicious_ratio");
    expect(e?.message).toMatch(/"z0.wav" would expand 1005× \(more than 200×\), like a zip bomb/);
  });

  it("refuses an archive whose entries each stay under the slack but add up to a bomb", () => {
    const n = 5000;
    const small = Array.from({ length: n }, (_, i) => entry(`s${i}.wav`, ZIP_RATIO_SLACK_BYTES, 60));
    for (const e of small) expect(zipSizeIssue([e], 200, limits)).toBeUndefined();
    const archive = n * 150; // 60 bytes of data + local and central headers per entry
    const e = zipSizeIssue(small, archive, limits);
    expect(e?.code).toBe("zip_suspicious_ratio");
    expect(e?.message).toBe("The archive was rejected: its 5000 entries would expand 732 KB to 156 MB, 218× (more than 200×), like a zip bomb");
    expect(zipSizeIssue(small, n * 1000, limits)).toBeUndefined(); // the same entries at 33× overall
  });

  it("keeps the count and unpacked-size limits, count first", () => {
    expect(zipSizeIssue([entry("a", 1, 1), entry("b", 1, 1)], 500, { maxEntries: 1, maxUnpackedBytes: 10 })?.code).toBe("zip_too_many_entries");
    expect(zipSizeIssue([entry("a", 11, 11)], 500, { maxEntries: 5, maxUnpackedBytes: 10 })?.code).toBe("zip_too_large");
  });
});

describe("unfinished uploads", () => {
  const GiB = 1024 * MiB;
  const lim = { quotaBytes: 50 * GiB, perExperiment: 20, total: 200 };
  const req = { experiment: "voice", experimentId: "e1", size: 4 * GiB };
  const pending = (n: number, experimentId = "e1", size = 4 * GiB): UnfinishedUpload[] =>
    Array.from({ length: n }, (_, i) => ({ id: `${experimentId}-${i}`, experimentId, size }));

  it("counts declared lengths of unfinished uploads against the quota", () => {
    expect(unfinishedIssue(req, 0, pending(11), lim)).toBeUndefined(); // 12 × 4 GiB = 48 GiB
    const e = unfinishedIssue(req, 0, pending(12), lim) as ApiError;
    expect(e.status).toBe(413);
    expect(e.code).toBe("quota_exceeded");
    expect(e.message).toBe(
      'Experiment "voice" holds 0 B and its 12 unfinished upload(s) declare 48 GB more; adding 4.0 GB would pass its quota of 50 GB (EXPERIMENT_QUOTA_BYTES). Finish or cancel those uploads first',
    );
    // stored bytes count too, and other experiments' uploads do not
    expect(unfinishedIssue(req, 47 * GiB, [], lim)?.message).toMatch(/^Experiment "voice" holds 47 GB; adding 4.0 GB would pass its quota/);
    expect(unfinishedIssue(req, 0, pending(12, "other"), lim)).toBeUndefined();
  });

  it("caps uploads in progress per experiment and on the server (429)", () => {
    const small = { ...req, size: 1000 };
    expect(unfinishedIssue(small, 0, pending(19, "e1", 1000), lim)).toBeUndefined();
    const e = unfinishedIssue(small, 0, pending(20, "e1", 1000), lim) as ApiError;
    expect([e.status, e.code]).toEqual([429, "too_many_unfinished_uploads"]);
    expect(e.message).toBe('Experiment "voice" has 20 unfinished uploads; the limit is 20 (MAX_UNFINISHED_UPLOADS). Finish or cancel some first');
    const all = [...pending(10, "e1", 1000), ...Array.from({ length: 19 }, (_, i) => pending(10, `x${i}`, 1000)).flat()];
    const g = unfinishedIssue(small, 0, all, lim) as ApiError;
    expect([g.status, g.code]).toEqual([429, "too_many_unfinished_uploads"]);
    expect(g.message).toMatch(/^200 uploads are unfinished on this server; the limit is 200 \(MAX_UNFINISHED_UPLOADS_TOTAL\)/);
  });
});

describe("reading and admitting unfinished uploads", () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "vs-unfinished-"));
  const info = (id: string, experimentId: string, size: number, created = new Date()) =>
    JSON.stringify({ id, size, offset: 0, metadata: { experimentId, filename: "a.wav" }, creation_date: created.toISOString() });

  it("reads the store's .json files, skipping expired, foreign and broken ones", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "a.json"), info("a", "e1", 100));
    fs.writeFileSync(path.join(dir, "a"), "");
    fs.writeFileSync(path.join(dir, "old.json"), info("old", "e1", 100, new Date(Date.now() - 3 * 3600_000)));
    fs.writeFileSync(path.join(dir, "broken.json"), "{not json");
    fs.writeFileSync(path.join(dir, "nometa.json"), JSON.stringify({ id: "nometa", size: 5 }));
    expect(await readUnfinished(dir, 3600_000)).toEqual([{ id: "a", experimentId: "e1", size: 100 }]);
    expect(await readUnfinished(path.join(dir, "missing"), 3600_000)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it("admits one at a time, counting those admitted whose .json is not written yet", async () => {
    const dir = tmp();
    const adm = new Admission(dir, 3600_000);
    const seen: number[] = [];
    // 30 parallel creates against a cap of 20: the decisions see 0, 1, 2, … reservations
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        adm.admit(async (unfinished) => {
          seen.push(unfinished.length);
          if (unfinished.length >= 20) throw new Error("cap");
          await new Promise((r) => setTimeout(r, 1));
          return { result: i, reserve: { id: `u${i}`, experimentId: "e1", size: 1 } };
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    expect(seen.slice(0, 21)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    // once the .json exists the reservation and the file are one upload; a released reservation no longer counts
    fs.writeFileSync(path.join(dir, "u0.json"), info("u0", "e1", 1));
    for (let i = 1; i < 20; i++) adm.release(`u${i}`);
    const count = await adm.admit(async (u) => ({ result: u.length, reserve: { id: "last", experimentId: "e1", size: 1 } }));
    expect(count).toBe(1);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("tus responses", () => {
  it("keeps the API's JSON errors and wraps tus's plain text", () => {
    const ours = JSON.stringify({ error: { code: "quota_exceeded", message: "x" } });
    expect(errorBodyJson(413, ours)).toBe(ours);
    expect(JSON.parse(errorBodyJson(409, "Upload-Offset conflict\n"))).toEqual({ error: { code: "offset_conflict", message: "Upload-Offset conflict" } });
    expect(JSON.parse(errorBodyJson(404, ""))).toEqual({ error: { code: "upload_not_found", message: "The upload request was refused (HTTP 404)" } });
    expect(JSON.parse(errorBodyJson(418, '{"other": 1}')).error.code).toBe("upload_refused");
  });

  it("drops CORS headers and labels errors as JSON", async () => {
    const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Location", "Tus-Resumable": "1.0.0" };
    const err = await tidyTusResponse(new Response("Not found\n", { status: 404, headers: cors }));
    expect(err.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect([...err.headers.keys()].filter((k) => k.startsWith("access-control"))).toEqual([]);
    expect(err.headers.get("tus-resumable")).toBe("1.0.0");
    const body = await err.text();
    expect(JSON.parse(body).error.code).toBe("upload_not_found");
    expect(err.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    const ok = await tidyTusResponse(new Response(null, { status: 204, headers: cors }));
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBeNull();
  });
});
