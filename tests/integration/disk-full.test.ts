/**
 * A full disk, for real: DATA_ROOT on a 40 MiB tmpfs (mounting needs root; skipped with the reason otherwise)
 * filled by bytes (free-space preflights refuse) or by inodes (bytes are free, so the preflights pass, and the
 * writes themselves fail with ENOSPC). Stages must end failed with disk_full, never succeeded; uploads get a JSON
 * 507; health turns degraded; the incoming sweeper survives 0-byte metadata. Unmounted in teardown.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { tinyModels, skipNote } from "../helpers/tiny-models";
import { sineWav, speechWav, tempDir } from "../helpers/audio-fixtures";
import { metadata } from "../helpers/tus";

const isRoot = process.getuid?.() === 0;
const models = tinyModels();
const MiB = 1024 * 1024;

// Everything of this file lives on the tmpfs: set before anything reads the configuration (config() is lazy).
const mnt = isRoot ? fs.mkdtempSync(path.join(os.tmpdir(), "vs-diskfull-")) : "";
let mounted = false;
if (isRoot) {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=40m,nr_inodes=2000,mode=0755", "tmpfs", mnt]);
  mounted = true;
  process.env.DATA_ROOT = mnt;
  process.env.MIN_FREE_BYTES = "10M";
  if (models.ok) process.env.HUBERT_PATH = models.content768;
}

const { db } = await import("../../lib/db");
const { createExperiment } = await import("../../lib/experiments");
const { paths } = await import("../../lib/paths");
const { health } = await import("../../lib/health");
const { errorResponse } = await import("../../lib/http");
const { runJob } = await import("../../worker/runner");
const { preprocess } = await import("../../worker/preprocess");
const { extract } = await import("../../worker/extract/job");
const { validateExperiment } = await import("../../lib/validate");
const { handleTus, sweepIncoming } = await import("../../lib/uploads/tus");
const { encodeWavFloat32 } = await import("../../worker/dsp/wav");

const filler = () => path.join(mnt, "filler");
let src: string;

/** Take all free bytes but `leave`. */
function fillBytes(leave: number) {
  fs.mkdirSync(filler(), { recursive: true });
  const s = fs.statfsSync(mnt);
  const take = s.bavail * s.bsize - leave;
  const fd = fs.openSync(path.join(filler(), "bytes"), "w");
  const block = Buffer.alloc(MiB, 1);
  let written = 0;
  try {
    while (written < take) written += fs.writeSync(fd, block, 0, Math.min(MiB, take - written));
  } finally {
    fs.closeSync(fd);
  }
}

/** Take every free inode but `leave` (bytes stay free, so preflights pass and the writes themselves fail). */
function fillInodes(leave = 0) {
  fs.mkdirSync(filler(), { recursive: true });
  const made: string[] = [];
  for (let i = 0; ; i++) {
    const f = path.join(filler(), `i${i}`);
    try {
      fs.writeFileSync(f, "");
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
      break;
    }
    made.push(f);
  }
  for (const f of made.slice(made.length - leave)) fs.rmSync(f);
}

const nested: string[] = [];
/** A folder that has bytes free (8 MiB) but no inode left: every file created in it fails with ENOSPC. */
function noInodesAt(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m,nr_inodes=1", "tmpfs", dir]);
  nested.push(dir);
}

function unfill() {
  while (nested.length) execFileSync("umount", [nested.pop()!]);
  fs.rmSync(filler(), { recursive: true, force: true });
}

async function run(handler: typeof preprocess, kind: "preprocess" | "extract", experimentId: string, params: object = {}) {
  const job = await db().job.create({ data: { kind, experimentId, params } });
  await runJob(job.id, handler, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
  return db().job.findUniqueOrThrow({ where: { id: job.id } });
}

async function addUpload(experimentId: string, name: string, file: string, durationSec: number) {
  const exp = await db().experiment.findUniqueOrThrow({ where: { id: experimentId } });
  const bytes = fs.readFileSync(file);
  const storedName = `${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}${path.extname(name)}`;
  fs.mkdirSync(paths().experimentUploads(exp.name), { recursive: true });
  fs.copyFileSync(file, paths().uploadFile(exp.name, storedName));
  return db().audioFile.create({
    data: { experimentId, originalName: name, storedName, bytes: BigInt(bytes.length), durationSec, sha256: createHash("sha256").update(bytes).digest("hex") },
  });
}

type Failed = { error: { code: string; message: string; details: { disk?: string; failed?: { file: string; error: string }[]; notAttempted?: number } } };

describe.skipIf(!isRoot)(`a full disk (tmpfs as DATA_ROOT)${isRoot ? "" : " (skipped: mounting a tmpfs needs root)"}`, () => {
  beforeAll(() => {
    src = tempDir("vs-diskfull-src-");
  });
  afterEach(unfill);
  afterAll(async () => {
    await db().$disconnect();
    fs.rmSync(src, { recursive: true, force: true });
    if (mounted) execFileSync("umount", ["-l", mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  });

  it("health: ok with room, degraded (still 200) under MIN_FREE_BYTES, naming the disk", async () => {
    const before = await health();
    expect(before.body.status).toBe("ok");
    fillBytes(2 * MiB);
    const after = await health();
    expect(after.status).toBe(200);
    expect(after.body.status).toBe("degraded");
    expect(after.body.disk.low).toBe(true);
    expect(after.body.disks[0]!.dirs).toEqual(["DATA_ROOT", "UPLOADS_DIR", "EXPERIMENTS_DIR", "MODELS_ROOT"]);
    expect(after.body.problems.join(" ")).toMatch(/free on the disk of DATA_ROOT, UPLOADS_DIR, EXPERIMENTS_DIR, MODELS_ROOT \(MIN_FREE_BYTES is 10 MB\)/);
  });

  // (the body is the JSON error shape; @tus/server labels every error body text/plain, as the OpenAPI document says)
  it("uploads: a declared length that does not fit, and a store write that hits ENOSPC, both get a JSON 507 disk_full", async () => {
    const exp = await createExperiment({ name: "full-upload", sampleRate: 40000, f0Method: "yin", version: "v2" });
    fs.mkdirSync(paths().uploadsIncoming(), { recursive: true });
    const post = (length: number) =>
      handleTus(
        new Request("http://127.0.0.1/api/uploads", {
          method: "POST",
          headers: { "Tus-Resumable": "1.0.0", "Upload-Length": String(length), "Upload-Metadata": metadata({ experiment: exp.name, filename: "a.wav" }) },
        }),
      );
    fillBytes(2 * MiB);
    const big = await post(5 * MiB);
    expect(big.status).toBe(507);
    const body = await big.json();
    expect(body.error).toMatchObject({ code: "disk_full", details: { disk: "UPLOADS_DIR", needed: 5 * MiB } });
    expect(body.error.message).toMatch(/^The uploads disk \(UPLOADS_DIR\) is full: this upload needs about 5\.0 MB/);
    expect(body.error.message).not.toContain(mnt);
    unfill();

    // an upload created with room, whose data then meets a full disk mid-PATCH
    const created = await post(64 * 1024);
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get("location")!, "http://127.0.0.1/api/uploads/").toString();
    fillBytes(0);
    vi.spyOn(console, "error").mockImplementation(() => {});
    const patched = await handleTus(
      new Request(location, {
        method: "PATCH",
        headers: { "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
        body: new Uint8Array(64 * 1024).fill(7),
      }),
    );
    expect(patched.status).toBe(507);
    const patchText = await patched.text();
    expect(JSON.parse(patchText).error).toMatchObject({ code: "disk_full", details: { disk: "UPLOADS_DIR" } });
    expect(patchText).not.toContain(mnt);
    unfill();

    fillInodes(0);
    const small = await post(1000);
    expect(small.status).toBe(507);
    const text = await small.text();
    expect(JSON.parse(text).error).toMatchObject({ code: "disk_full", details: { disk: "UPLOADS_DIR" } });
    expect(text).not.toContain(mnt);
    vi.restoreAllMocks();
  });

  it("preprocess: refused before starting when the chunks cannot fit; failed with disk_full (never succeeded) when writes hit ENOSPC", async () => {
    const exp = await createExperiment({ name: "full-pre", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const speech = speechWav(src, "s.wav", "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.");
    await addUpload(exp.id, "one.wav", speech, 6);
    await addUpload(exp.id, "two.wav", sineWav(src, "tone.wav", { seconds: 6, rate: 44100, freq: 200, amp: 0.3 }), 6);
    await addUpload(exp.id, "silence.wav", sineWav(src, "silent.wav", { seconds: 3, amp: 0 }), 3);

    fillBytes(1 * MiB);
    const refused = await run(preprocess, "preprocess", exp.id);
    expect(refused.status).toBe("failed");
    const r = refused.result as unknown as Failed;
    expect(r.error.code).toBe("disk_full");
    expect(r.error.details.disk).toBe("EXPERIMENTS_DIR");
    expect(refused.error).toMatch(/^The experiments disk \(EXPERIMENTS_DIR\) is full: preprocess needs about [\d.]+ MB and [\d.]+ (KB|MB) are free/);
    expect(fs.readdirSync(paths().experimentSubdir(exp.name, "gtWavs"))).toEqual([]);
    unfill();

    // 0_gt_wavs has bytes free (the preflight passes) but no inode: every chunk write hits ENOSPC
    noInodesAt(paths().experimentSubdir(exp.name, "gtWavs"));
    const job = await run(preprocess, "preprocess", exp.id);
    expect(job.status).toBe("failed");
    const f = job.result as unknown as Failed;
    expect(f.error.code).toBe("disk_full");
    expect(f.error.details.disk).toBe("EXPERIMENTS_DIR");
    const failed = Object.fromEntries(f.error.details.failed!.map((x) => [x.file, x.error]));
    expect(failed["one.wav"]).toMatch(/ENOSPC/);
    expect(failed["two.wav"]).toMatch(/ENOSPC/);
    // preprocess writes its scratch file next to the chunks before it can tell silence, so the silent file may hit ENOSPC first
    expect(failed["silence.wav"]).toMatch(/silent|ENOSPC/);
    expect((await db().experiment.findUniqueOrThrow({ where: { id: exp.id } })).status).not.toBe("preprocessed");
    // training would refuse this half-done set, naming what is missing
    const v = await validateExperiment(exp.name, "v2");
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ file: "one.wav", problem: "preprocess did not finish it (ENOSPC): run preprocess again" });
    unfill();

    // with room again the same job succeeds; the silent file stays a per-file data problem
    const again = await run(preprocess, "preprocess", exp.id);
    expect(again.status).toBe("succeeded");
    expect((again.result as { failed: { file: string }[] }).failed.map((x) => x.file)).toEqual(["silence.wav"]);
    expect((await validateExperiment(exp.name, "v2")).problems.some((p) => p.problem.startsWith("preprocess did not finish"))).toBe(false);
  }, 120_000);

  it.skipIf(!models.ok)(`extract: failed with disk_full and the failed file listed when a write hits ENOSPC; training refuses the incomplete set${skipNote(models)}`, async () => {
    const exp = await createExperiment({ name: "full-ext", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const gt = paths().experimentSubdir(exp.name, "gtWavs");
    const w16 = paths().experimentSubdir(exp.name, "wavs16k");
    fs.mkdirSync(gt, { recursive: true });
    fs.mkdirSync(w16, { recursive: true });
    for (let i = 0; i < 3; i++) {
      const tone = new Float32Array(2 * 16000).map((_, n) => 0.4 * Math.sin((2 * Math.PI * (150 + 20 * i) * n) / 16000));
      fs.writeFileSync(path.join(w16, `0_${i}.wav`), encodeWavFloat32(tone, 16000));
      fs.writeFileSync(path.join(gt, `0_${i}.wav`), encodeWavFloat32(tone, 40000));
    }
    for (const sub of ["f0", "f0nsf"] as const) fs.mkdirSync(paths().experimentSubdir(exp.name, sub), { recursive: true });
    // the feature folder has bytes free (the preflight passes) but no inode: the first write hits ENOSPC
    noInodesAt(paths().featureDir(exp.name, "v2"));
    const job = await run(extract, "extract", exp.id);
    expect(job.status).toBe("failed");
    const f = job.result as unknown as Failed;
    expect(f.error.code).toBe("disk_full");
    expect(f.error.details.disk).toBe("EXPERIMENTS_DIR");
    expect(f.error.details.failed).toEqual([{ file: "0_0.wav", error: expect.stringMatching(/ENOSPC/) }]);
    expect(f.error.details.notAttempted).toBe(2);
    expect((await db().experiment.findUniqueOrThrow({ where: { id: exp.id } })).status).not.toBe("extracted");
    const v = await validateExperiment(exp.name, "v2");
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ file: "0_0.wav", problem: "missing 3_feature768/0_0.npy: run extract" });
    unfill();

    const again = await run(extract, "extract", exp.id);
    expect(again.status).toBe("succeeded");
    expect((await validateExperiment(exp.name, "v2")).ok).toBe(true);
  }, 120_000);

  it("the incoming sweeper removes stale 0-byte / invalid metadata with its data, keeps fresh ones, and keeps working", async () => {
    const dir = path.join(mnt, "incoming-sweep"); // a folder of its own: the upload test's incoming uploads are fresh
    fs.mkdirSync(dir, { recursive: true });
    const old = new Date(Date.now() - 2 * 3600_000);
    const put = (name: string, data: string | Buffer, stale: boolean) => {
      fs.writeFileSync(path.join(dir, name), data);
      if (stale) fs.utimesSync(path.join(dir, name), old, old);
    };
    put("zero", Buffer.alloc(100), true);
    put("zero.json", "", true); // what ENOSPC leaves
    put("garbage.json", "{not json", true);
    put("finished", Buffer.alloc(10), true);
    put("finished.json", JSON.stringify({ id: "finished", size: 10, offset: 10 }), true);
    put("fresh.json", "", false);
    fillInodes(0);

    const removed = await sweepIncoming(dir, 3600_000);
    expect(removed).toBe(3);
    expect(fs.readdirSync(dir).filter((n) => !n.startsWith("."))).toEqual(["fresh.json"]);
    expect(await sweepIncoming(dir, 3600_000)).toBe(0);
    // once it is old enough the fresh one goes too
    expect(await sweepIncoming(dir, 3600_000, Date.now() + 11 * 60_000)).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("Postgres's own full disk (SQLSTATE 53100 through Prisma) is disk_full for the API, without Postgres's paths", async () => {
    const err = await db()
      .$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION 'could not extend file "base/16384/2619": No space left on device' USING ERRCODE = '53100'; END $$`)
      .catch((e: unknown) => e);
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await errorResponse(err);
    vi.restoreAllMocks();
    expect(res.status).toBe(507);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ code: "disk_full", details: { disk: "database" } });
    expect(text).not.toContain("base/16384");
  });
});
