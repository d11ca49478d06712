/**
 * The tus endpoint end to end: a real production web server (launcher/web-server.ts) (production build), real Postgres, real files on disk.
 * Each bad input must get its status and message and leave nothing behind (no incoming upload, no stored file,
 * no row).
 */
import { authFetch, testToken } from "../helpers/auth";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegConvert, pcmWavOfSize, sineWav, speechWav, tempDir } from "../helpers/audio-fixtures";
import { create, head, patch, sha256, stallingStream, upload } from "../helpers/tus";
import { startWeb, type Web } from "../helpers/web";

const MiB = 1024 * 1024;
const dataRoot = process.env.DATA_ROOT!;
const uploadsDir = path.join(dataRoot, "uploads");
const incoming = path.join(uploadsDir, ".incoming");
const env = { MAX_UPLOAD_BYTES: "300M", EXPERIMENT_QUOTA_BYTES: "250M", UPLOAD_EXPIRY_HOURS: "24" };

let web: Web;
let dir: string;
let speech: string;

async function api(p: string, init: RequestInit = {}) {
  const res = await authFetch(`${web.url}${p}`, { ...init, headers: { "content-type": "application/json" } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function experiment(name: string) {
  const r = await api("/api/experiments", { method: "POST", body: JSON.stringify({ name }) });
  expect(r.status).toBe(201);
}

async function files(name: string) {
  const r = await api(`/api/experiments/${name}/files`);
  expect(r.status).toBe(200);
  return r.body as { files: any[]; card: any };
}

function listDir(d: string): string[] {
  return fs.existsSync(d) ? fs.readdirSync(d).sort() : [];
}

/** What an upload could leave behind: incoming entries, stored files of the experiment, its rows. */
async function footprint(exp: string) {
  return { incoming: listDir(incoming), stored: listDir(path.join(uploadsDir, exp)), rows: (await files(exp)).files.length };
}

function pythonZip(out: string, entries: [name: string, source: string | { zeros: number }][]): string {
  const script = `
import sys, json, zipfile
out, entries = sys.argv[1], json.loads(sys.argv[2])
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, src in entries:
        data = b"\\0" * src["zeros"] if isinstance(src, dict) else open(src, "rb").read()
        z.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
`;
  execFileSync("python3", ["-c", script, out, JSON.stringify(entries)]);
  return out;
}

beforeAll(async () => {
  dir = tempDir("vs-upload-test-");
  speech = speechWav(dir);
  web = await startWeb(env);
  for (const e of ["resume", "restart", "parallel", "bad", "zips", "manage"]) await experiment(e);
}, 120_000);

afterAll(async () => {
  await web?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("resumable upload", () => {
  it("resumes from the server's offset after the client aborts half-way; the stored file equals the source", async () => {
    const src = pcmWavOfSize(path.join(dir, "resume.wav"), 8 * MiB + 44, 7);
    const data = fs.readFileSync(src);
    const c = await create(web.url, { experiment: "resume", filename: "resume.wav" }, data.length);
    expect(c.status).toBe(201);
    expect(c.headers.get("upload-expires")).toBeTruthy(); // expiration extension

    const ac = new AbortController();
    const { stream, sent } = stallingStream(data, data.length / 2);
    const cut = patch(c.location!, 0, stream, ac.signal).catch((e: Error) => e);
    await sent;
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    expect(await cut).toBeInstanceOf(Error);

    // the server keeps what arrived; it may take a moment to notice the cut
    let offset = 0;
    for (let i = 0; i < 50; i++) {
      const h = await head(c.location!);
      if (h.status === 200 && h.offset > 0) {
        offset = h.offset;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(data.length / 2);

    const done = await patch(c.location!, offset, data.subarray(offset));
    expect(done.status).toBe(200);
    const row = done.json.files[0];
    expect(row).toMatchObject({ name: "resume.wav", bytes: data.length, sampleRate: 44100, channels: 1, codec: "pcm_s16le" });
    expect(row.sha256).toBe(sha256(data));
    expect(sha256(path.join(uploadsDir, "resume", row.storedName))).toBe(sha256(data));
    expect(listDir(incoming)).toEqual([]);
  });

  it("resumes after the web server process is killed mid-upload and started again", async () => {
    const src = pcmWavOfSize(path.join(dir, "restart.wav"), 6 * MiB + 44, 11);
    const data = fs.readFileSync(src);
    const c = await create(web.url, { experiment: "restart", filename: "restart.wav" }, data.length);
    expect(c.status).toBe(201);
    const id = new URL(c.location!).pathname.split("/").pop()!;
    const { stream, sent } = stallingStream(data, 3 * MiB);
    const cut = patch(c.location!, 0, stream).catch((e: Error) => e);
    await sent;
    await new Promise((r) => setTimeout(r, 300));
    await web.stop("SIGKILL");
    expect(await cut).toBeInstanceOf(Error);

    web = await startWeb(env);
    const again = new URL(new URL(c.location!).pathname, web.url).toString();
    const h = await head(again);
    expect(h.status).toBe(200);
    expect(h.offset).toBe(fs.statSync(path.join(incoming, id)).size);
    expect(h.offset).toBeGreaterThan(0);
    expect(h.offset).toBeLessThanOrEqual(3 * MiB);
    const done = await patch(again, h.offset, data.subarray(h.offset));
    expect(done.status).toBe(200);
    expect(done.json.files[0].sha256).toBe(sha256(data));
    expect(sha256(path.join(uploadsDir, "restart", done.json.files[0].storedName))).toBe(sha256(data));
  }, 120_000);

  it("takes twenty uploads in parallel into one experiment (tus-js-client), all intact", async () => {
    const sources = Array.from({ length: 20 }, (_, i) => fs.readFileSync(pcmWavOfSize(path.join(dir, `p${i}.wav`), MiB + 44 + i * 2, 100 + i)));
    await Promise.all(
      sources.map(
        (data, i) =>
          new Promise<void>((resolve, reject) => {
            new tus.Upload(data, {
              endpoint: `${web.url}/api/uploads`,
              metadata: { experiment: "parallel", filename: `take ${i}.wav` },
              chunkSize: 256 * 1024,
              headers: { authorization: `Bearer ${testToken()}` },
              retryDelays: [0, 500, 1000],
              onSuccess: () => resolve(),
              onError: reject,
            }).start();
          }),
      ),
    );
    const { files: rows } = await files("parallel");
    expect(rows).toHaveLength(20);
    for (let i = 0; i < 20; i++) {
      const row = rows.find((r) => r.name === `take ${i}.wav`);
      expect(row?.sha256).toBe(sha256(sources[i]!));
      expect(sha256(path.join(uploadsDir, "parallel", row.storedName))).toBe(row.sha256);
    }
    expect(listDir(incoming)).toEqual([]);
  }, 120_000);
});

describe("bad input: right status and message, nothing left behind", () => {
  async function expectRefused(
    send: () => Promise<{ status: number; json: any }>,
    status: number,
    code: string,
    message: RegExp,
  ) {
    const before = await footprint("bad");
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.json?.error?.code).toBe(code);
    expect(r.json.error.message).toMatch(message);
    expect(await footprint("bad")).toEqual(before);
  }

  it("text renamed to .wav", async () => {
    const text = Buffer.from("Dear diary, this is definitely not a recording.\n".repeat(100));
    await expectRefused(() => upload(web.url, { experiment: "bad", filename: "diary.wav" }, text), 422, "invalid_audio", /"diary.wav" was rejected: not a readable audio file/);
  });

  it("a zero-byte file", async () => {
    await expectRefused(() => create(web.url, { experiment: "bad", filename: "empty.wav" }, 0), 422, "empty_file", /"empty.wav" is empty \(0 bytes\)/);
  });

  it("a truncated mp3", async () => {
    const mp3 = fs.readFileSync(ffmpegConvert(dir, speech, "whole.mp3"));
    await expectRefused(
      () => upload(web.url, { experiment: "bad", filename: "cut.mp3" }, mp3.subarray(0, Math.floor(mp3.length / 3))),
      422,
      "invalid_audio",
      /the file is truncated: its header says [\d.]+ s but only [\d.]+ s could be decoded/,
    );
  });

  it("a declared size over MAX_UPLOAD_BYTES, and one over the experiment's quota", async () => {
    await expectRefused(() => create(web.url, { experiment: "bad", filename: "huge.wav" }, 301 * MiB), 413, "upload_too_large", /the limit is 300 MB \(MAX_UPLOAD_BYTES\)/);
    await expectRefused(() => create(web.url, { experiment: "bad", filename: "big.wav" }, 260 * MiB), 413, "quota_exceeded", /quota of 250 MB/);
  });

  it("a deferred length", async () => {
    await expectRefused(() => create(web.url, { experiment: "bad", filename: "x.wav" }, "defer"), 400, "length_required", /Upload-Length/);
  });

  it("an unknown experiment, a bad experiment name, missing metadata", async () => {
    await expectRefused(() => create(web.url, { experiment: "nope", filename: "a.wav" }, 100), 404, "experiment_not_found", /No experiment named "nope"/);
    await expectRefused(() => create(web.url, { experiment: "../bad", filename: "a.wav" }, 100), 400, "invalid_name", /Invalid experiment name/);
    await expectRefused(() => create(web.url, { filename: "a.wav" }, 100), 400, "missing_metadata", /"experiment"/);
  });

  it("an unsupported type", async () => {
    await expectRefused(() => create(web.url, { experiment: "bad", filename: "notes.txt" }, 100), 415, "unsupported_type", /"notes.txt" is not an accepted type; use .wav/);
  });

  it("the file name ../../etc/passwd.wav", async () => {
    await expectRefused(
      () => create(web.url, { experiment: "bad", filename: "../../etc/passwd.wav" }, 100),
      400,
      "invalid_filename",
      /"..\/..\/etc\/passwd.wav" is not accepted: it contains ".." path segments/,
    );
    await expectRefused(() => create(web.url, { experiment: "bad", filename: "/etc/passwd.wav" }, 100), 400, "invalid_filename", /absolute path/);
  });

  it("a zip with ../ entries", async () => {
    const zip = pythonZip(path.join(dir, "evil.zip"), [["ok.wav", speech], ["../../escape.wav", speech]]);
    await expectRefused(() => upload(web.url, { experiment: "bad", filename: "evil.zip" }, fs.readFileSync(zip)), 422, "zip_unsafe_path", /"..\/..\/escape.wav" points outside the archive/);
    expect(fs.existsSync(path.join(uploadsDir, "escape.wav"))).toBe(false);
    expect(fs.existsSync(path.join(dataRoot, "escape.wav"))).toBe(false);
  });

  it("a zip-bomb-style compression ratio", async () => {
    const zip = pythonZip(path.join(dir, "bomb.zip"), [["silence.wav", { zeros: 64 * MiB }]]);
    expect(fs.statSync(zip).size).toBeLessThan(MiB);
    await expectRefused(() => upload(web.url, { experiment: "bad", filename: "bomb.zip" }, fs.readFileSync(zip)), 422, "zip_suspicious_ratio", /would expand \d+× \(more than 200×\), like a zip bomb/);
  });

  it("a duplicate file (same content, other name)", async () => {
    const data = fs.readFileSync(speech);
    const first = await upload(web.url, { experiment: "bad", filename: "first.wav" }, data);
    expect(first.status).toBe(200);
    await expectRefused(
      () => upload(web.url, { experiment: "bad", filename: "again.wav" }, data),
      409,
      "duplicate_file",
      /"again.wav" has the same content as "first.wav", which is already in the experiment/,
    );
  });
});

describe("names and archives that are fine", () => {
  it("keeps a name with unicode and spaces for display, stores under a generated name", async () => {
    const name = "Ünïcødé  take 1 — 日本語 (final).flac";
    const flac = fs.readFileSync(ffmpegConvert(dir, speech, "u.flac"));
    const r = await upload(web.url, { experiment: "zips", filename: name }, flac);
    expect(r.status).toBe(200);
    const row = r.json.files[0];
    expect(row.name).toBe(name);
    expect(row.storedName).toMatch(/^[0-9a-f-]{36}\.flac$/);
    expect(listDir(path.join(uploadsDir, "zips"))).toEqual([row.storedName]);
  });

  it("unpacks a zip of audio (creation-with-upload), reporting and skipping what is not audio", async () => {
    const fake = path.join(dir, "fake.wav");
    fs.writeFileSync(fake, "not audio\n".repeat(50));
    const readme = path.join(dir, "readme.txt");
    fs.writeFileSync(readme, "hello");
    const zip = pythonZip(path.join(dir, "set.zip"), [
      ["voice/a.wav", sineWav(dir, "a.wav", { seconds: 1.5, rate: 48000 })],
      ["voice/b.mp3", ffmpegConvert(dir, speech, "b.mp3")],
      ["voice/readme.txt", readme],
      ["voice/broken.wav", fake],
    ]);
    const data = fs.readFileSync(zip);
    const r = await create(web.url, { experiment: "zips", filename: "set.zip" }, data.length, data);
    expect(r.status).toBe(201);
    expect(r.json.files.map((f: any) => f.name).sort()).toEqual(["set.zip/voice/a.wav", "set.zip/voice/b.mp3"]);
    expect(r.json.skipped).toEqual([
      { name: "set.zip/voice/readme.txt", reason: "not an audio file type" },
      { name: "set.zip/voice/broken.wav", reason: expect.stringMatching(/not a readable audio file/) },
    ]);
    expect(listDir(incoming)).toEqual([]);
    const { files: rows, card } = await files("zips");
    expect(rows).toHaveLength(3);
    expect(card.fileCount).toBe(3);
    expect(card.warnings.map((w: any) => w.code)).toEqual(expect.arrayContaining(["under_1_minute", "mixed_sample_rates"]));
  });
});

describe("files API", () => {
  it("lists, plays (with ranges) and removes a file", async () => {
    const data = fs.readFileSync(speech);
    const up = await upload(web.url, { experiment: "manage", filename: "speech.wav" }, data);
    const id = up.json.files[0].id;
    const list = await files("manage");
    expect(list.files[0]).toMatchObject({ id, name: "speech.wav", sampleRate: 22050, channels: 1, status: "ready" });
    expect(list.files[0].durationSec).toBeGreaterThan(1);
    expect(list.card).toMatchObject({ fileCount: 1, shortest: { name: "speech.wav" }, longest: { name: "speech.wav" } });

    const whole = await authFetch(`${web.url}/api/experiments/manage/files/${id}/audio`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/wav");
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
    const part = await authFetch(`${web.url}/api/experiments/manage/files/${id}/audio`, { headers: { range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(10, 20))).toBe(true);

    expect((await api(`/api/experiments/manage/files/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await files("manage")).files).toEqual([]);
    expect(listDir(path.join(uploadsDir, "manage"))).toEqual([]);
    const again = await api(`/api/experiments/manage/files/${id}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("file_not_found");
    expect((await api(`/api/experiments/nope/files`)).status).toBe(404);
  });

  it("terminates an unfinished upload (DELETE), removing its partial file", async () => {
    const c = await create(web.url, { experiment: "manage", filename: "gone.wav" }, 1000);
    const id = new URL(c.location!).pathname.split("/").pop()!;
    expect(listDir(incoming)).toContain(id);
    const del = await authFetch(c.location!, { method: "DELETE", headers: { "Tus-Resumable": "1.0.0" } });
    expect(del.status).toBe(204);
    expect(listDir(incoming)).toEqual([]);
  });
});
