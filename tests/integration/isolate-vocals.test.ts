// "Isolate vocals" for a whole experiment (issue 19, part 2), through the real route handlers and the tus endpoint:
// the switch (refused without the model), an upload then queued for separation and ending with useVocals, "isolate
// vocals in N files" for the files uploaded before, preprocess refused (and a preprocess job failed) while a
// separation is pending, PATCH useVocals rules and ownership, and the separation model in the health assets.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as experimentsRoute from "../../app/api/experiments/route";
import * as experimentRoute from "../../app/api/experiments/[name]/route";
import * as separateOneRoute from "../../app/api/experiments/[name]/files/[id]/separate/route";
import * as fileRoute from "../../app/api/experiments/[name]/files/[id]/route";
import * as separateAllRoute from "../../app/api/experiments/[name]/separate/route";
import * as preprocessRoute from "../../app/api/experiments/[name]/preprocess/route";
import * as pipelineRoute from "../../app/api/experiments/[name]/pipeline/route";
import * as uploadsRoute from "../../app/api/uploads/[[...path]]/route";
import { createToken } from "../../lib/auth/api-tokens";
import { createUser } from "../../lib/auth/users";
import { db } from "../../lib/db";
import { health } from "../../lib/health";
import { paths } from "../../lib/paths";
import { setupProblems } from "../../lib/setup";
import { ingestAudio } from "../../lib/uploads/ingest";
import { encodeWavFloat32 } from "../../worker/dsp/wav";
import { disposeSessions } from "../../worker/onnx/session";
import { preprocess } from "../../worker/preprocess";
import { runJob, type JobHandler } from "../../worker/runner";
import { analyze, analyzeFile } from "../../worker/analyze/job";
import { ClipAnalysis } from "../../lib/dataset/analysis";
import { separate } from "../../worker/separate/job";
import { testSignal } from "../../worker/separate/test-signal";
import { tempDir } from "../helpers/audio-fixtures";
import { withAuth } from "../helpers/auth";
import { installBandModel, mdxModels, mdxSkipNote } from "../helpers/mdx-models";
import { call } from "../helpers/routes";
import { metadata } from "../helpers/tus";

const models = mdxModels();
const dir = tempDir("vs-isolate-");
// points SEPARATION_MODEL_PATH at the band stand-in before anything reads the configuration
const sepModel = installBandModel(models, dir);
const modelFile = sepModel.file;
const { withoutModel } = sepModel;

const tag = Date.now().toString(36);
const member: Record<"a" | "b", { id: string; token: string }> = {} as never;

beforeAll(async () => {
  for (const k of ["a", "b"] as const) {
    const u = await createUser({ name: `iso-${k}-${tag}`, password: `iso-${k}-${tag}-password`, role: "member" });
    member[k] = { id: u.id, token: (await createToken(u.id, { name: "tests", scope: "write" })).secret };
  }
});

afterAll(async () => {
  await disposeSessions();
  sepModel.restore();
  fs.rmSync(dir, { recursive: true, force: true });
  await db().$disconnect();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A route call with a member's token (the admin's by default, as `call`). */
async function as(token: string, handler: unknown, method: string, params: Record<string, string>, body?: unknown) {
  const init: RequestInit = { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}) };
  const res = await (handler as Handler)(new Request("http://test.local/api", withAuth(init, token)), { params: Promise.resolve(params) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A song-like float32 stereo WAV (a different one per seed: uploads are de-duplicated by hash). */
function song(name: string, seconds: number, seed: number): string {
  const s = testSignal(Math.round(seconds * 44100) + seed);
  const f = path.join(dir, name);
  fs.writeFileSync(f, encodeWavFloat32([s.left, s.right], 44100));
  return f;
}

/** Upload through the tus route in one POST (creation-with-upload), as `token`'s user. */
async function tusUpload(experiment: string, file: string, token?: string): Promise<{ id: string; useVocals: boolean }> {
  const data = fs.readFileSync(file);
  const init = withAuth(
    {
      method: "POST",
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": String(data.length),
        "Upload-Metadata": metadata({ experiment, filename: path.basename(file) }),
        "Content-Type": "application/offset+octet-stream",
      },
      body: new Uint8Array(data),
    },
    ...(token ? [token] : []),
  );
  const res = await (uploadsRoute.POST as unknown as Handler)(new Request("http://test.local/api/uploads", init), { params: Promise.resolve({}) });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return (JSON.parse(text) as { files: { id: string; useVocals: boolean }[] }).files[0]!;
}

const separateJobsOf = (experimentId: string) => db().job.findMany({ where: { experimentId, kind: "separate" }, orderBy: { createdAt: "asc" } });
const fileIdOf = (j: { params: unknown }) => (j.params as { fileId: string }).fileId;

/**
 * After a switch of what trains: the file's analysis is cleared and an analyze job queued; run, it stores the
 * measurements of `source` (and they differ from the other source's).
 */
async function expectAnalysisOf(experimentId: string, fileId: string, source: string) {
  expect((await db().audioFile.findUniqueOrThrow({ where: { id: fileId } })).analysis).toBeNull();
  const queued = await db().job.findFirst({ where: { experimentId, kind: "analyze", status: "queued" } });
  expect(queued).not.toBeNull();
  expect((await run(queued!.id, analyze)).status).toBe("succeeded");
  const stored = (await db().audioFile.findUniqueOrThrow({ where: { id: fileId } })).analysis;
  expect(stored).toEqual(ClipAnalysis.parse(await analyzeFile(source)));
}

async function run(jobId: string, handler: JobHandler) {
  await runJob(jobId, handler, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
  return db().job.findUniqueOrThrow({ where: { id: jobId } });
}

describe.skipIf(!models.ok)(`isolate vocals, experiment-wide${mdxSkipNote(models)}`, () => {
  it("switch on → an upload is separated by itself; earlier files on request; preprocess waits for none of them silently", async () => {
    const name = `iso-switch-${tag}`;
    const made = await as(member.a.token, experimentsRoute.POST, "POST", {}, { name, f0Method: "yin" });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.isolateVocals).toBe(false);
    const exp = await db().experiment.findUniqueOrThrow({ where: { name } });

    // a file from before the switch: not separated by itself
    const before = await tusUpload(name, song("before.wav", 1.5, 1), member.a.token);
    expect(await separateJobsOf(exp.id)).toHaveLength(0);

    // without the model file the switch cannot be turned on: 503 naming the file and the fix, nothing changed
    const refused = await withoutModel(() => as(member.a.token, experimentRoute.PATCH, "PATCH", { name }, { isolateVocals: true }));
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe("separation_model_missing");
    expect(refused.body.error.message).toContain(modelFile);
    expect(refused.body.error.message).toContain("npm run assets");
    expect((await db().experiment.findUniqueOrThrow({ where: { id: exp.id } })).isolateVocals).toBe(false);
    const badValue = await as(member.a.token, experimentRoute.PATCH, "PATCH", { name }, { isolateVocals: "yes" });
    expect(badValue.status).toBe(400);
    expect(badValue.body.error.code).toBe("invalid_isolateVocals");
    // only the experiment's creator (or an admin) may turn it on
    const stranger = await as(member.b.token, experimentRoute.PATCH, "PATCH", { name }, { isolateVocals: true });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe("not_owner");

    const on = await as(member.a.token, experimentRoute.PATCH, "PATCH", { name }, { isolateVocals: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toMatchObject({ isolateVocals: true, filesToSeparate: 1 });
    expect(await separateJobsOf(exp.id)).toHaveLength(0);

    // a new upload is queued for separation at once
    const song1 = await tusUpload(name, song("song.wav", 2, 2), member.a.token);
    expect(song1.useVocals).toBe(false);
    const queued = await separateJobsOf(exp.id);
    expect(queued.map((j) => [j.status, fileIdOf(j), j.createdById])).toEqual([["queued", song1.id, member.a.id]]);

    // preprocess (and the pipeline, which starts with it) is refused while it is pending, naming the file
    const pre = await as(member.a.token, preprocessRoute.POST, "POST", { name }, {});
    expect(pre.status).toBe(409);
    expect(pre.body.error.code).toBe("separation_pending");
    expect(pre.body.error.message).toContain('"song.wav"');
    expect(pre.body.error.details.files).toEqual([{ id: song1.id, name: "song.wav", job: queued[0]!.id, status: "queued" }]);
    const pipe = await as(member.a.token, pipelineRoute.POST, "POST", { name }, { epochs: 1 });
    expect(pipe.status).toBe(409);
    expect(pipe.body.error.code).toBe("separation_pending");
    expect(await db().job.count({ where: { experimentId: exp.id, kind: "preprocess" } })).toBe(0);

    // a preprocess job queued before the upload (the race the route cannot see) fails with the same code
    const racing = await db().job.create({ data: { kind: "preprocess", experimentId: exp.id } });
    const raced = await run(racing.id, preprocess);
    expect(raced.status).toBe("failed");
    expect((raced.result as { error: { code: string } }).error.code).toBe("separation_pending");
    expect(raced.error).toContain('"song.wav"');
    expect(fs.existsSync(path.join(paths().experimentDir(name), "preprocess.json"))).toBe(false);

    // settings may change while separations are pending (they do not depend on them); a rename may not
    const cleaning = await as(member.a.token, experimentRoute.PATCH, "PATCH", { name }, { version: "v2" });
    expect(cleaning.status, JSON.stringify(cleaning.body)).toBe(200);
    const rename = await as(member.a.token, experimentRoute.PATCH, "PATCH", { name }, { name: `${name}-x` });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe("experiment_busy");

    // "isolate vocals in N files": the earlier file only (the new one is queued already); a stranger may not
    expect((await as(member.b.token, separateAllRoute.POST, "POST", { name }, {})).status).toBe(403);
    const all = await as(member.a.token, separateAllRoute.POST, "POST", { name }, {});
    expect(all.status, JSON.stringify(all.body)).toBe(202);
    expect(all.body.jobs.map((j: { params: { fileId: string } }) => j.params.fileId)).toEqual([before.id]);
    const again = await as(member.a.token, separateAllRoute.POST, "POST", { name }, {});
    expect(again.status).toBe(202);
    expect(again.body.jobs).toEqual([]);

    // the jobs run: both files end with useVocals and their stems; preprocess is accepted and reads the vocal stems
    for (const j of await separateJobsOf(exp.id)) expect((await run(j.id, separate)).status).toBe("succeeded");
    for (const id of [before.id, song1.id]) {
      expect((await db().audioFile.findUniqueOrThrow({ where: { id } })).useVocals).toBe(true);
      expect(fs.existsSync(paths().stemFile(name, id, "vocals"))).toBe(true);
    }
    // the dataset doctor measures what trains: separating cleared the mix's analysis and queued it; it reads the stem
    await expectAnalysisOf(exp.id, song1.id, paths().stemFile(name, song1.id, "vocals"));
    const after = await as(member.a.token, experimentRoute.PATCH, "PATCH", { name }, { isolateVocals: true });
    expect(after.body.filesToSeparate).toBe(0);
    const accepted = await as(member.a.token, preprocessRoute.POST, "POST", { name }, {});
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const ran = await run(accepted.body.job.id, preprocess);
    expect(ran.status, ran.error ?? "").toBe("succeeded");
    const manifest = () =>
      JSON.parse(fs.readFileSync(path.join(paths().experimentDir(name), "preprocess.json"), "utf8")) as { sources: Record<string, { sha256: string; status: string }> };
    const sha = (id: string) => db().audioFile.findUniqueOrThrow({ where: { id } }).then((f) => f.sha256);
    expect(manifest().sources[song1.id]).toMatchObject({ sha256: `${await sha(song1.id)}+vocals`, status: "done" });

    // useVocals off for one file (the uploader may; another member may not): the next preprocess redoes it from the mix
    const notYours = await as(member.b.token, fileRoute.PATCH, "PATCH", { name, id: song1.id }, { useVocals: false });
    expect(notYours.status).toBe(403);
    expect(notYours.body.error.code).toBe("not_owner");
    const off = await as(member.a.token, fileRoute.PATCH, "PATCH", { name, id: song1.id }, { useVocals: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ id: song1.id, useVocals: false, excluded: false });
    const upload = (await db().audioFile.findUniqueOrThrow({ where: { id: song1.id } })).storedName;
    await expectAnalysisOf(exp.id, song1.id, paths().uploadFile(name, upload));
    const redo = await as(member.a.token, preprocessRoute.POST, "POST", { name }, {});
    expect((await run(redo.body.job.id, preprocess)).status).toBe("succeeded");
    expect(manifest().sources[song1.id]).toMatchObject({ sha256: await sha(song1.id), status: "done" });
    expect(manifest().sources[before.id]).toMatchObject({ sha256: `${await sha(before.id)}+vocals` });
    // and back on (its stems are still there)
    const on2 = await as(member.a.token, fileRoute.PATCH, "PATCH", { name, id: song1.id }, { useVocals: true });
    expect(on2.status).toBe(200);
    expect(on2.body.useVocals).toBe(true);
  });

  it("PATCH useVocals: true needs stems (409 no_stems), neither value while its separation is pending; bad bodies 400", async () => {
    const name = `iso-patch-${tag}`;
    const made = await call((experimentsRoute.POST) as never, "POST", {}, { name, f0Method: "yin" });
    expect(made.status).toBe(201);
    const exp = await db().experiment.findUniqueOrThrow({ where: { name } });
    const row = await ingestAudio(song("plain.wav", 1.2, 3), exp.id, "plain.wav");

    const noStems = await call(fileRoute.PATCH as never, "PATCH", { name, id: row.id }, { useVocals: true });
    expect(noStems.status).toBe(409);
    expect(noStems.body.error.code).toBe("no_stems");
    expect(noStems.body.error.message).toContain('"plain.wav" has no vocal stem');
    // false for a file never separated is harmless (it already trains on its mix)
    expect((await call(fileRoute.PATCH as never, "PATCH", { name, id: row.id }, { useVocals: false })).status).toBe(200);

    const bad = await call(fileRoute.PATCH as never, "PATCH", { name, id: row.id }, { useVocals: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_useVocals");
    const empty = await call(fileRoute.PATCH as never, "PATCH", { name, id: row.id }, {});
    expect(empty.status).toBe(400);
    // both fields at once
    const both = await call(fileRoute.PATCH as never, "PATCH", { name, id: row.id }, { excluded: true, useVocals: false });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ excluded: true, useVocals: false });

    // while a separation of the file is queued: refused (its end sets the flag)
    const single = await call(separateOneRoute.POST as never, "POST", { name, id: row.id }, {});
    expect(single.status).toBe(202);
    const pending = await call(fileRoute.PATCH as never, "PATCH", { name, id: row.id }, { useVocals: false });
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe("separation_pending");
    // excluding it meanwhile is fine
    expect((await call(fileRoute.PATCH as never, "PATCH", { name, id: row.id }, { excluded: false })).status).toBe(200);
    expect((await run(single.body.job.id, separate)).status).toBe("succeeded");
    const stemmed = await call(fileRoute.PATCH as never, "PATCH", { name, id: row.id }, { useVocals: false });
    expect(stemmed.status).toBe(200);
    expect(stemmed.body.useVocals).toBe(false);
    // the stems are kept: "isolate vocals in N files" has nothing to do for it
    expect((await call(separateAllRoute.POST as never, "POST", { name }, {})).body.jobs).toEqual([]);
  });

  it("POST …/separate without the model: 503 naming it, nothing queued", async () => {
    const name = `iso-nomodel-${tag}`;
    expect((await call((experimentsRoute.POST) as never, "POST", {}, { name })).status).toBe(201);
    const exp = await db().experiment.findUniqueOrThrow({ where: { name } });
    await ingestAudio(song("n.wav", 1.1, 4), exp.id, "n.wav");
    const res = await withoutModel(() => call(separateAllRoute.POST as never, "POST", { name }, {}));
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: "separation_model_missing", details: { path: modelFile, fix: "npm run assets" } });
    expect(await separateJobsOf(exp.id)).toHaveLength(0);
    const none = await call(separateAllRoute.POST as never, "POST", { name: "no-such-experiment" }, {});
    expect(none.status).toBe(404);
  });

  it("the health report and the Setup list include the separation model with its path, present or not", async () => {
    const there = (await health()).body.assets;
    expect(there.separation).toBe(true);
    expect(there.detail.separation).toMatchObject({ path: modelFile, present: true, bytes: fs.statSync(modelFile).size });
    expect(setupProblems({ assets: there.detail, workers: null }).some((i) => i.what.includes(modelFile))).toBe(false);
    const gone = await withoutModel(async () => (await health()).body.assets);
    expect(gone.separation).toBe(false);
    expect(gone.detail.separation).toEqual({ path: modelFile, present: false });
    const item = setupProblems({ assets: gone.detail, workers: null }).find((i) => i.what.includes(modelFile));
    expect(item?.fix).toBe("npm run assets");
  });
});
