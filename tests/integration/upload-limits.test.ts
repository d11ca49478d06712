/**
 * Hostile uploads against a real production web server (launcher/web-server.ts): audio whose header lies, a zip of many small bombs, floods of
 * unfinished uploads; each refused with the API's JSON error, nothing stored, and tus's answers without CORS.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pcmWavOfSize, tempDir } from "../helpers/audio-fixtures";
import { create, upload, type TusResult } from "../helpers/tus";
import { startWeb, type Web } from "../helpers/web";
import { authFetch } from "../helpers/auth";

const MiB = 1024 * 1024;
const dataRoot = process.env.DATA_ROOT!;
const uploadsDir = path.join(dataRoot, "uploads");
const incoming = path.join(uploadsDir, ".incoming");
const env = {
  MAX_UPLOAD_BYTES: "60M",
  EXPERIMENT_QUOTA_BYTES: "100M",
  MAX_UNFINISHED_UPLOADS: "5",
  MAX_UNFINISHED_UPLOADS_TOTAL: "8",
  ZIP_MAX_UNPACKED_BYTES: "2G", // so that the 1 GB zip meets the ratio rule, not the size limit
};

let web: Web;
let dir: string;

async function api(p: string, init: RequestInit = {}) {
  const res = await authFetch(`${web.url}${p}`, { ...init, headers: { "content-type": "application/json" } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const listDir = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).sort() : []);

async function footprint(exp: string) {
  const rows = await api(`/api/experiments/${exp}/files`);
  expect(rows.status).toBe(200);
  return { incoming: listDir(incoming), stored: listDir(path.join(uploadsDir, exp)), rows: rows.body.files.length };
}

function expectJsonError(r: TusResult, status: number, code: string, message: RegExp) {
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(r.json?.error?.code).toBe(code);
  expect(r.json.error.message).toMatch(message);
}

/** Cancel unfinished uploads (tus termination) so that nothing stays behind for the next test file. */
async function terminate(locations: (string | undefined)[]) {
  for (const loc of locations) {
    if (!loc) continue;
    const r = await authFetch(loc, { method: "DELETE", headers: { "Tus-Resumable": "1.0.0" } });
    expect(r.status).toBe(204);
  }
}

beforeAll(async () => {
  dir = tempDir("vs-upload-limits-");
  web = await startWeb(env);
  for (const name of ["hostile", "quota", "flood", "flood2"]) {
    expect((await api("/api/experiments", { method: "POST", body: JSON.stringify({ name }) })).status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await web?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("audio whose header lies is refused at upload, nothing stored", () => {
  async function refused(file: string, name: string, problem: string, message: RegExp) {
    const before = await footprint("hostile");
    const r = await upload(web.url, { experiment: "hostile", filename: name }, fs.readFileSync(file));
    expectJsonError(r, 422, "invalid_audio", message);
    expect(r.json.error.details).toMatchObject({ filename: name, problem });
    expect(await footprint("hostile")).toEqual(before);
  }

  it("a 344 KB WAV whose header says 25 Hz (6,884 s of audio), and one at 1 Hz", async () => {
    const f25 = pcmWavOfSize(path.join(dir, "25hz.wav"), 344 * 1024 + 44, 1, 25);
    await refused(f25, "25hz.wav", "sample_rate", /^"25hz.wav" was rejected: its sample rate 25 Hz is outside 8–192 kHz$/);
    const f1 = pcmWavOfSize(path.join(dir, "1hz.wav"), 4096 + 44, 2, 1);
    await refused(f1, "1hz.wav", "sample_rate", /its sample rate 1 Hz is outside 8–192 kHz/);
  });

  it("a WAV whose byte rate, fact chunk or data size contradicts the rest", async () => {
    const base = fs.readFileSync(pcmWavOfSize(path.join(dir, "honest.wav"), 256 * 1024 + 44, 3, 16000));
    const byteRate = Buffer.from(base);
    byteRate.writeUInt32LE(25, 28); // 25 bytes per second at 16 kHz: "6,884 s" again
    fs.writeFileSync(path.join(dir, "rate.wav"), byteRate);
    await refused(path.join(dir, "rate.wav"), "rate.wav", "inconsistent_header", /25 bytes per second does not match 16000 Hz × 2-byte frames/);

    const dataSize = Buffer.from(base);
    dataSize.writeUInt32LE(0x7fff0000, 40); // the data chunk claims 2 GB in a 256 KB file
    fs.writeFileSync(path.join(dir, "size.wav"), dataSize);
    await refused(path.join(dir, "size.wav"), "size.wav", "truncated", /its WAV header declares \d+ more bytes of audio than the file holds/);

    // a fact chunk (inserted before data) that promises ten million frames
    const fact = Buffer.alloc(12);
    fact.write("fact", 0);
    fact.writeUInt32LE(4, 4);
    fact.writeUInt32LE(10_000_000, 8);
    const withFact = Buffer.concat([base.subarray(0, 36), fact, base.subarray(36)]);
    withFact.writeUInt32LE(withFact.length - 8, 4);
    fs.writeFileSync(path.join(dir, "fact.wav"), withFact);
    await refused(path.join(dir, "fact.wav"), "fact.wav", "inconsistent_header", /claims 10000000 frames but the data chunk holds 131072/);
  });

  it("the honest WAV they were made from is accepted", async () => {
    const r = await upload(web.url, { experiment: "hostile", filename: "honest.wav" }, fs.readFileSync(path.join(dir, "honest.wav")));
    expect(r.status).toBe(200);
    expect(r.json.files[0]).toMatchObject({ sampleRate: 16000, channels: 1 });
    expect(listDir(incoming)).toEqual([]);
  });
});

describe("zip bombs made of entries of any size", () => {
  it("refuses 1,000 entries of exactly 1 MiB (1.2 MB zipped) before unpacking any", async () => {
    const zip = path.join(dir, "thousand.zip");
    const z = new yazl.ZipFile();
    const zeros = Buffer.alloc(MiB);
    for (let i = 0; i < 1000; i++) z.addBuffer(zeros, `take ${i}.wav`, { compress: true });
    z.end();
    await pipeline(z.outputStream, fs.createWriteStream(zip));
    const size = fs.statSync(zip).size;
    expect(size).toBeLessThan(2 * MiB);

    const before = await footprint("hostile");
    const r = await upload(web.url, { experiment: "hostile", filename: "thousand.zip" }, fs.readFileSync(zip));
    expectJsonError(r, 422, "zip_suspicious_ratio", /^The archive was rejected: "take 0.wav" would expand \d+× \(more than 200×\), like a zip bomb$/);
    expect(await footprint("hostile")).toEqual(before);
  });
});

describe("unfinished uploads", () => {
  it("count by their declared length against the experiment's quota", async () => {
    const first = await create(web.url, { experiment: "quota", filename: "big1.wav" }, 55 * MiB);
    expect(first.status).toBe(201);
    const second = await create(web.url, { experiment: "quota", filename: "big2.wav" }, 55 * MiB);
    expectJsonError(
      second,
      413,
      "quota_exceeded",
      /^Experiment "quota" holds 0 B and its 1 unfinished upload\(s\) declare 55 MB more; adding 55 MB would pass its quota of 100 MB \(EXPERIMENT_QUOTA_BYTES\)/,
    );
    expect(listDir(incoming)).toHaveLength(2); // the first upload's data and .json only
    await terminate([first.location]);
    const third = await create(web.url, { experiment: "quota", filename: "big3.wav" }, 55 * MiB);
    expect(third.status).toBe(201);
    await terminate([third.location]);
    expect(listDir(incoming)).toEqual([]);
  });

  it("are capped per experiment and on the server, also when created all at once", async () => {
    const burst = (exp: string, n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => create(web.url, { experiment: exp, filename: `f${i}.wav` }, 1000)));
    const a = await burst("flood", 12);
    expect(a.filter((r) => r.status === 201)).toHaveLength(5);
    const refusedA = a.filter((r) => r.status !== 201);
    expect(refusedA).toHaveLength(7);
    for (const r of refusedA) {
      expectJsonError(r, 429, "too_many_unfinished_uploads", /^Experiment "flood" has 5 unfinished uploads; the limit is 5 \(MAX_UNFINISHED_UPLOADS\)/);
    }
    const b = await burst("flood2", 6);
    expect(b.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of b.filter((x) => x.status !== 201)) {
      expectJsonError(r, 429, "too_many_unfinished_uploads", /^8 uploads are unfinished on this server; the limit is 8 \(MAX_UNFINISHED_UPLOADS_TOTAL\)/);
    }
    expect(listDir(incoming)).toHaveLength(16);
    await terminate([...a, ...b].map((r) => r.location));
    expect(listDir(incoming)).toEqual([]);
    // room again
    const again = await create(web.url, { experiment: "flood", filename: "again.wav" }, 1000);
    expect(again.status).toBe(201);
    await terminate([again.location]);
  });
});

describe("tus answers", () => {
  const origin = { Origin: "https://evil.example" };

  it("refusals, ours and tus's own, are JSON; no response carries CORS headers", async () => {
    const base = `${web.url}/api/uploads`;
    const cors = (h: Headers) => [...h.keys()].filter((k) => k.startsWith("access-control-"));

    const ours = await authFetch(base, {
      method: "POST",
      headers: { ...origin, "Tus-Resumable": "1.0.0", "Upload-Length": "100", "Upload-Metadata": `experiment ${btoa("hostile")},filename ${btoa("x.txt")}` },
    });
    expect(ours.status).toBe(415);
    expect(ours.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await ours.json()).error.code).toBe("unsupported_type");
    expect(cors(ours.headers)).toEqual([]);

    const noVersion = await authFetch(base, { method: "POST", headers: { ...origin, "Upload-Length": "100" } });
    expect(noVersion.status).toBe(412);
    expect(noVersion.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await noVersion.json()).toEqual({ error: { code: "tus_version_required", message: "Tus-Resumable Required" } });

    const missing = await authFetch(`${base}/0123456789abcdef`, {
      method: "PATCH",
      headers: { ...origin, "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body: "x",
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await missing.json()).error.code).toBe("upload_not_found");
    expect(cors(missing.headers)).toEqual([]);

    const preflight = await authFetch(base, { method: "OPTIONS", headers: { ...origin, "Access-Control-Request-Method": "POST" } });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("tus-version")).toBe("1.0.0");
    expect(cors(preflight.headers)).toEqual([]);

    const created = await create(web.url, { experiment: "hostile", filename: "ok.wav" }, 1000);
    expect(created.status).toBe(201);
    expect(cors(created.headers)).toEqual([]);
    await terminate([created.location]);
    expect(listDir(incoming)).toEqual([]);
  });
});
