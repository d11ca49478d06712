/**
 * Issue 16, the dataset doctor's integration: the analyze job measures uploads and slices and flags a clipped file;
 * exclusions keep files and slices out of filelist.txt (and validate counts what remains); cleaning in preprocess
 * leaves the uploads byte-identical; the routes refuse bad input in the API's one error shape.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fileRoute from "../../app/api/experiments/[name]/files/[id]/route";
import * as sliceRoute from "../../app/api/experiments/[name]/files/[id]/slices/[index]/route";
import * as peaksRoute from "../../app/api/experiments/[name]/files/[id]/peaks/route";
import * as audioRoute from "../../app/api/experiments/[name]/files/[id]/audio/route";
import * as filesRoute from "../../app/api/experiments/[name]/files/route";
import * as experimentRoute from "../../app/api/experiments/[name]/route";
import { createToken } from "../../lib/auth/api-tokens";
import { createUser } from "../../lib/auth/users";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { paths } from "../../lib/paths";
import { validateExperiment } from "../../lib/validate";
import { excludedSlicesOf } from "../../lib/dataset/exclusions";
import { stageSettingsOf } from "../../lib/stage-settings";
import { analyze } from "../../worker/analyze/job";
import { preprocess } from "../../worker/preprocess";
import { runJob } from "../../worker/runner";
import { writeTrainingFilelist } from "../../worker/train";
import { speechWav, tempDir } from "../helpers/audio-fixtures";
import { call } from "../helpers/routes";

let src: string;
let speech: string;
let clipped: string;
beforeAll(() => {
  src = tempDir("vs-doctor-");
  const text = "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. It is easy to tell the depth of a well.";
  // 16-bit PCM: the clean one peaks well below full scale; the clipped one is the same speech 30 dB hotter (sox clips it)
  speech = path.join(src, "speech.wav");
  clipped = path.join(src, "clipped.wav");
  execFileSync("sox", [speechWav(src, "s.wav", text), "-r", "44100", "-b", "16", speech, "gain", "-n", "-6"]);
  execFileSync("sox", ["-D", speech, "-b", "16", clipped, "gain", "30"], { stdio: "ignore" });
});
afterAll(async () => {
  fs.rmSync(src, { recursive: true, force: true });
  await db().$disconnect();
});

const sha = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Put a file into the experiment's uploads as the upload path would, with its AudioFile row. */
async function addUpload(experimentId: string, name: string, file: string, durationSec: number) {
  const exp = await db().experiment.findUniqueOrThrow({ where: { id: experimentId } });
  const bytes = fs.readFileSync(file);
  const storedName = `${Math.random().toString(36).slice(2)}${path.extname(name)}`;
  fs.mkdirSync(paths().experimentUploads(exp.name), { recursive: true });
  fs.copyFileSync(file, paths().uploadFile(exp.name, storedName));
  return db().audioFile.create({
    data: { experimentId, originalName: name, storedName, bytes: BigInt(bytes.length), durationSec, sampleRate: 44100, channels: 1, sha256: sha(file) },
  });
}

async function runKind(kind: "analyze" | "preprocess", experimentId: string, params: Record<string, unknown> = {}) {
  // the settings it runs with, as lib/jobs.ts records them
  const settings = stageSettingsOf(await db().experiment.findUniqueOrThrow({ where: { id: experimentId } }));
  const job = await db().job.create({ data: { kind, experimentId, params: params as object, settings: { ...settings } } });
  await runJob(job.id, kind === "analyze" ? analyze : preprocess, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
  return db().job.findUniqueOrThrow({ where: { id: job.id } });
}

const durationOf = (file: string) => {
  const b = fs.readFileSync(file);
  return b.readUInt32LE(40) / 2 / 44100;
};

describe("the analyze job", () => {
  it("stores the analysis of an uploaded clipped WAV and flags it; the clean one is not flagged for clipping", async () => {
    const exp = await createExperiment({ name: "doc-analyze", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const a = await addUpload(exp.id, "clean.wav", speech, durationOf(speech));
    const b = await addUpload(exp.id, "hot.wav", clipped, durationOf(clipped));
    const job = await runKind("analyze", exp.id);
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect(job.result).toMatchObject({ files: 2, slices: 0 });

    const list = await call(filesRoute.GET as never, "GET", { name: exp.name });
    expect(list.status).toBe(200);
    const clean = list.body.files.find((f: { id: string }) => f.id === a.id);
    const hot = list.body.files.find((f: { id: string }) => f.id === b.id);
    expect(clean.analysis.sampleRate).toBe(44100);
    expect(clean.analysis.clipping.fraction).toBe(0);
    expect(clean.flags.map((f: { code: string }) => f.code)).not.toContain("clipping");
    expect(hot.analysis.clipping.fraction).toBeGreaterThan(0.01);
    expect(hot.analysis.regions.some((r: { kind: string }) => r.kind === "clipping")).toBe(true);
    const flag = hot.flags.find((f: { code: string }) => f.code === "clipping");
    expect(flag.level).toBe("error");
    expect(flag.message).toMatch(/clipping in .* of samples/);
    expect(list.body.card.flagCounts.clipping).toBe(1);
    expect(list.body.card.analysed).toBe(2);

    // a second run finds nothing to do (one job picks up what is missing, and only that)
    const again = await runKind("analyze", exp.id);
    expect(again.result).toMatchObject({ files: 0, slices: 0 });
  });
});

describe("include / exclude", () => {
  it("excluded files and slices are absent from filelist.txt, validate counts what remains, and the card's totals change", async () => {
    const exp = await createExperiment({ name: "doc-exclude", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const a = await addUpload(exp.id, "a.wav", speech, durationOf(speech));
    const b = await addUpload(exp.id, "b.wav", clipped, durationOf(clipped));
    expect((await runKind("preprocess", exp.id)).status).toBe("succeeded");
    const analysed = await runKind("analyze", exp.id);
    expect(analysed.status, analysed.error ?? "").toBe("succeeded");
    const slicesA = await db().datasetSlice.findMany({ where: { audioFileId: a.id }, orderBy: { index: "asc" } });
    const slicesB = await db().datasetSlice.findMany({ where: { audioFileId: b.id }, orderBy: { index: "asc" } });
    expect(slicesA.length).toBeGreaterThanOrEqual(2);
    expect(slicesB.length).toBeGreaterThanOrEqual(1);
    expect(slicesA.every((s) => s.analysis !== null && s.startSec !== null)).toBe(true);

    // extract's outputs stand in as empty files of the right names (filelist.txt needs each stem in every folder)
    const p = paths();
    const gtStems = fs.readdirSync(p.experimentSubdir(exp.name, "gtWavs")).filter((n) => n.endsWith(".wav")).map((n) => n.slice(0, -4));
    for (const [dir, suffix] of [[p.featureDir(exp.name, "v2"), ".npy"], [p.experimentSubdir(exp.name, "f0"), ".wav.npy"], [p.experimentSubdir(exp.name, "f0nsf"), ".wav.npy"]] as const) {
      fs.mkdirSync(dir, { recursive: true });
      for (const s of gtStems) fs.writeFileSync(path.join(dir, `${s}${suffix}`), "");
    }
    const mute = { gt: "/mute/gt.wav", feature: "/mute/f.npy", f0: "/mute/f0.npy", f0nsf: "/mute/f0nsf.npy" };
    const write = async () => {
      const state = { completedEpochs: 0, checkpoints: [] };
      await writeTrainingFilelist({ experimentId: exp.id, name: exp.name, version: "v2", mute, heldOutFraction: 0, state });
      return fs.readFileSync(path.join(p.experimentDir(exp.name), "filelist.txt"), "utf8");
    };
    const stemsIn = (text: string) => new Set(text.split("\n").map((l) => path.basename(l.split("|")[0]!, ".wav")).filter((s) => !s.startsWith("gt")));
    const before = stemsIn(await write());
    expect(before.size).toBe(gtStems.length);

    const cardBefore = (await call(filesRoute.GET as never, "GET", { name: exp.name })).body.card;
    const excludeFile = await call(fileRoute.PATCH as never, "PATCH", { name: exp.name, id: b.id }, { excluded: true });
    expect(excludeFile.status, JSON.stringify(excludeFile.body)).toBe(200);
    expect(excludeFile.body.excluded).toBe(true);
    const one = slicesA[1]!;
    const excludeSlice = await call(sliceRoute.PATCH as never, "PATCH", { name: exp.name, id: a.id, index: String(one.index) }, { excluded: true });
    expect(excludeSlice.status, JSON.stringify(excludeSlice.body)).toBe(200);
    expect(excludeSlice.body).toMatchObject({ stem: one.stem, excluded: true });

    const after = stemsIn(await write());
    for (const s of slicesB) expect(after.has(s.stem), s.stem).toBe(false);
    expect(after.has(one.stem)).toBe(false);
    expect([...after].sort()).toEqual(slicesA.filter((s) => s !== one).map((s) => s.stem).sort());

    const report = await validateExperiment(exp.name, "v2", true, await excludedSlicesOf(exp));
    expect(report.counts.excluded).toBe(slicesB.length + 1);
    expect(report.counts.gt).toBe(gtStems.length - slicesB.length - 1);

    const cardAfter = (await call(filesRoute.GET as never, "GET", { name: exp.name })).body.card;
    expect(cardAfter.totalSeconds).toBeCloseTo(cardBefore.totalSeconds, 6);
    expect(cardAfter.included.fileCount).toBe(cardBefore.included.fileCount - 1);
    expect(cardAfter.included.totalSeconds).toBeCloseTo(cardBefore.included.totalSeconds - durationOf(clipped), 3);
    expect(cardAfter.included).toMatchObject({ excludedFiles: 1, excludedSlices: 1 });
    const detail = await call(experimentRoute.GET as never, "GET", { name: exp.name });
    expect(detail.body.dataset.included).toEqual(cardAfter.included);

    // include again: back in
    await call(fileRoute.PATCH as never, "PATCH", { name: exp.name, id: b.id }, { excluded: false });
    const back = stemsIn(await write());
    for (const s of slicesB) expect(back.has(s.stem)).toBe(true);
  });
});

describe("cleaning in preprocess", () => {
  it("writes cleaned chunks and leaves the uploaded originals byte-identical", async () => {
    const exp = await createExperiment({ name: "doc-clean", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const a = await addUpload(exp.id, "a.wav", speech, durationOf(speech));
    const b = await addUpload(exp.id, "b.wav", clipped, durationOf(clipped));
    const stored = [a, b].map((f) => paths().uploadFile(exp.name, f.storedName));
    const hashes = stored.map(sha);
    expect((await runKind("preprocess", exp.id)).status).toBe("succeeded");
    const gtDir = paths().experimentSubdir(exp.name, "gtWavs");
    const plain = Object.fromEntries(fs.readdirSync(gtDir).map((n) => [n, sha(path.join(gtDir, n))]));

    const patched = await call(experimentRoute.PATCH as never, "PATCH", { name: exp.name }, { cleaning: { normalizeLufs: -23, removeDc: true, trimSilenceSec: 0.5, denoise: true } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.cleaning).toEqual({ normalizeLufs: -23, removeDc: true, trimSilenceSec: 0.5, denoise: true });
    // the change makes preprocess out of date
    const stages = (await call(experimentRoute.GET as never, "GET", { name: exp.name })).body.stages;
    expect(stages.preprocess.stale).toBe(true);
    expect(stages.preprocess.reason).toMatch(/cleaning off → DC removal, denoise, loudness -23 LUFS/);

    const job = await runKind("preprocess", exp.id);
    expect(job.status, job.error ?? "").toBe("succeeded");
    const cleaned = Object.fromEntries(fs.readdirSync(gtDir).map((n) => [n, sha(path.join(gtDir, n))]));
    expect(Object.keys(cleaned).length).toBeGreaterThan(0);
    // the chunks carry other audio than without cleaning …
    expect(Object.entries(cleaned).some(([n, h]) => plain[n] !== h)).toBe(true);
    // … and the uploads are exactly what was uploaded
    expect(stored.map(sha)).toEqual(hashes);
    expect(hashes[0]).toBe(sha(speech));
  });
});

describe("the dataset routes refuse bad input", () => {
  it("unknown file 404, bad body 400, unknown field 400, unknown slice 404, viewer 403; the data stays as it was", async () => {
    const exp = await createExperiment({ name: "doc-errors", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const f = await addUpload(exp.id, "a.wav", speech, durationOf(speech));
    const NO = "00000000-0000-4000-8000-000000000000";
    for (const [handler, method, params, body] of [
      [fileRoute.GET, "GET", { name: exp.name, id: NO }, undefined],
      [fileRoute.PATCH, "PATCH", { name: exp.name, id: NO }, { excluded: true }],
      [fileRoute.GET, "GET", { name: exp.name, id: "not-a-uuid" }, undefined],
      [peaksRoute.GET, "GET", { name: exp.name, id: NO }, undefined],
    ] as const) {
      const r = await call(handler as never, method, params, body);
      expect(r.status, `${method} ${JSON.stringify(params)}`).toBe(404);
      expect(r.body.error.code).toBe("file_not_found");
    }
    const noExp = await call(fileRoute.GET as never, "GET", { name: "no-such-exp", id: f.id });
    expect(noExp.status).toBe(404);
    expect(noExp.body.error.code).toBe("experiment_not_found");

    const bad = await call(fileRoute.PATCH as never, "PATCH", { name: exp.name, id: f.id }, { excluded: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_excluded");
    const unknown = await call(fileRoute.PATCH as never, "PATCH", { name: exp.name, id: f.id }, { excluded: true, name: "x" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("unknown_field");
    const empty = await call(fileRoute.PATCH as never, "PATCH", { name: exp.name, id: f.id }, {});
    expect(empty.status).toBe(400);
    const noSlice = await call(sliceRoute.PATCH as never, "PATCH", { name: exp.name, id: f.id, index: "7" }, { excluded: true });
    expect(noSlice.status).toBe(404);
    expect(noSlice.body.error.code).toBe("slice_not_found");
    const badCleaning = await call(experimentRoute.PATCH as never, "PATCH", { name: exp.name }, { cleaning: { normalizeLufs: 5, removeDc: true, trimSilenceSec: null, denoise: false } });
    expect(badCleaning.status).toBe(400);
    const partialCleaning = await call(experimentRoute.PATCH as never, "PATCH", { name: exp.name }, { cleaning: { denoise: true } });
    expect(partialCleaning.status).toBe(400);

    const viewer = await createUser({ name: "doc-viewer", password: "doc-viewer-password", role: "viewer" });
    const token = (await createToken(viewer.id, { name: "v", scope: "write" })).secret;
    const res = await (fileRoute.PATCH as unknown as (r: Request, c: unknown) => Promise<Response>)(
      new Request("http://test.local/api", { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ excluded: true }) }),
      { params: Promise.resolve({ name: exp.name, id: f.id }) },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");

    const row = await db().audioFile.findUniqueOrThrow({ where: { id: f.id } });
    expect(row.excluded).toBe(false);
    expect((await db().experiment.findUniqueOrThrow({ where: { id: exp.id } })).cleaning).toBeNull();
  });

  it("the before/after audio: a WAV of the first seconds, cleaned or not; seconds out of range is 400", async () => {
    const exp = await createExperiment({ name: "doc-preview", sampleRate: 40000, f0Method: "yin", version: "v2" });
    const f = await addUpload(exp.id, "a.wav", speech, durationOf(speech));
    const get = (query: string) =>
      (audioRoute.GET as unknown as (r: Request, c: unknown) => Promise<Response>)(
        new Request(`http://test.local/api/experiments/${exp.name}/files/${f.id}/audio${query}`, { headers: { authorization: `Bearer ${process.env.TEST_TOKEN}` } }),
        { params: Promise.resolve({ name: exp.name, id: f.id }) },
      );
    const before = await get("?seconds=2");
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toBe("audio/wav");
    const b = Buffer.from(await before.arrayBuffer());
    expect(b.toString("ascii", 0, 4)).toBe("RIFF");
    expect(b.readUInt32LE(40) / 2 / b.readUInt32LE(24)).toBeCloseTo(2, 2);
    const after = await get("?cleaned=1&seconds=2");
    expect(after.status).toBe(200);
    expect(after.headers.get("x-cleaning")).toMatch(/denoise/);
    const a = Buffer.from(await after.arrayBuffer());
    expect(a.equals(b)).toBe(false);
    for (const q of ["?seconds=11", "?seconds=x", "?cleaned=2", "?other=1"]) {
      const r = await get(q);
      expect(r.status, q).toBe(400);
    }
    // the upload is untouched by rendering
    expect(sha(paths().uploadFile(exp.name, f.storedName))).toBe(sha(speech));
  });
});
