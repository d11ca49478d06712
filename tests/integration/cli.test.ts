/**
 * The command-line client end to end against a real `next start` and a worker with the tiny stand-in models:
 * `voice-studio` as a child process runs experiments create → upload of a folder → pipeline --follow (1 tiny
 * epoch) → convert of a file → models download, asserting on exit codes, output and the files it writes; and the
 * typed client continues an interrupted upload from the server's offset. Skips where torch or the tiny models
 * are missing.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../lib/errors";
import { createClient } from "../../lib/client/node";
import { db } from "../../lib/db";
import { decodeWav } from "../../worker/dsp/wav";
import { pcmWavOfSize, speechWav, tempDir } from "../helpers/audio-fixtures";
import { testToken } from "../helpers/auth";
import { installTinyModels, PY, trainerAvailable, writeTinyTrainerConfig } from "../helpers/pipeline";
import { ROOT, workerPool } from "../helpers/process";
import { skipNote, tinyModels } from "../helpers/tiny-models";
import { startWeb, type Web } from "../helpers/web";

const models = tinyModels();
const hasTorch = trainerAvailable();
const ready = models.ok && hasTorch;
const why = !hasTorch ? ` (skipped: ${PY} lacks torch/faiss)` : skipNote(models);

let web: Web;
let dir: string;
const workers = workerPool();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The `voice-studio` bin (`cli/bin.mjs`: tsx + cli/main.ts) run from a folder outside the project, with the server
 * and token in the environment, as a user runs it.
 */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [path.join(ROOT, "cli", "bin.mjs"), ...args], {
    cwd: dir,
    env: { ...process.env, VOICE_STUDIO_URL: web.url, VOICE_STUDIO_TOKEN: testToken(), XDG_CONFIG_HOME: path.join(dir, "config"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const show = (r: Run) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

beforeAll(async () => {
  if (!ready) return;
  dir = tempDir("vs-cli-");
  installTinyModels(models);
  web = await startWeb();
  workers.start();
}, 120_000);

afterAll(async () => {
  await workers.stopAll();
  await web?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await db().$disconnect();
});

describe.skipIf(!ready)(`voice-studio CLI against a test server${why}`, () => {
  it("creates an experiment, uploads a folder, runs the pipeline to a model, converts a file and downloads the model", async () => {
    // a folder of clips: two at the top, one in a subfolder, and a file that is not audio (left out)
    const clips = path.join(dir, "clips");
    fs.mkdirSync(path.join(clips, "more"), { recursive: true });
    speechWav(clips, "a.wav", "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.");
    speechWav(clips, "b.wav", "It is easy to tell the depth of a well. These days a chicken leg is a rare dish.");
    speechWav(path.join(clips, "more"), "c.wav", "Rice is often served in round bowls. The juice of lemons makes fine punch.");
    fs.writeFileSync(path.join(clips, "notes.txt"), "not audio");

    const created = await cli(["experiments", "create", "cli-voice", "--sample-rate", "32000", "--f0", "rmvpe"]);
    expect(created.code, show(created)).toBe(0);
    expect(created.stdout).toBe("created experiment cli-voice (32000 Hz, rmvpe, v2)\n");
    // the trainer's tiny configuration, where the train job looks first
    writeTinyTrainerConfig("cli-voice");

    const again = await cli(["experiments", "create", "cli-voice"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: An experiment named "cli-voice" already exists; choose another name (experiment_exists, HTTP 409)\n');

    const up = await cli(["upload", "cli-voice", clips]);
    expect(up.code, show(up)).toBe(0);
    expect(up.stdout).toMatch(/^\[1\/3\] a\.wav: uploaded .*\n\[2\/3\] b\.wav: uploaded .*\n\[3\/3\] c\.wav: uploaded .*\n3 uploaded, 0 skipped as duplicates, 0 refused\n$/);
    const files = await db().audioFile.findMany({ where: { experiment: { name: "cli-voice" } } });
    expect(files.map((f) => f.originalName).sort()).toEqual(["a.wav", "b.wav", "c.wav"]);

    // the same folder again: every file is a duplicate, reported and skipped (not an error), nothing added
    const dup = await cli(["upload", "cli-voice", clips, "--json"]);
    expect(dup.code, show(dup)).toBe(0);
    const dupOut = JSON.parse(dup.stdout);
    expect(dupOut.uploaded).toEqual([]);
    expect(dupOut.skipped.map((s: { code: string }) => s.code)).toEqual(["duplicate_file", "duplicate_file", "duplicate_file"]);
    expect(await db().audioFile.count({ where: { experiment: { name: "cli-voice" } } })).toBe(3);

    const pipe = await cli(["pipeline", "cli-voice", "--epochs", "1", "--batch-size", "2", "--pretrained", "none", "--follow"]);
    expect(pipe.code, show(pipe)).toBe(0);
    const lines = pipe.stdout.split("\n");
    for (const stage of ["preprocess", "extract", "train"]) {
      expect(lines, show(pipe)).toContain(`[${stage}] running`);
      expect(lines, show(pipe)).toContain(`[${stage}] succeeded`);
    }
    expect(lines.indexOf("[preprocess] succeeded")).toBeLessThan(lines.indexOf("[extract] running"));
    expect(lines.indexOf("[extract] succeeded")).toBeLessThan(lines.indexOf("[train] running"));
    expect(lines.some((l) => /^\[train\] \d+%/.test(l))).toBe(true);
    expect(pipe.stdout).toMatch(/pipeline of cli-voice succeeded: model "cli-voice"/);
    const model = await db().voiceModel.findUniqueOrThrow({ where: { name: "cli-voice" } });
    expect(model.epochs).toBe(1);

    const out = path.join(dir, "converted");
    const input = speechWav(dir, "to-convert.wav", "The quick brown fox jumps over the lazy dog.");
    const conv = await cli(["convert", "cli-voice", input, "--out", out, "--f0-method", "yin", "--pitch", "2"]);
    expect(conv.code, show(conv)).toBe(0);
    const written = fs.readdirSync(out);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^to-convert\..*\.wav$/);
    expect(conv.stdout).toBe(`[1/1] to-convert.wav: converted → ${path.join(out, written[0]!)}\n`);
    const wav = decodeWav(fs.readFileSync(path.join(out, written[0]!)));
    expect(wav.sampleRate).toBe(32000);
    const inWav = decodeWav(fs.readFileSync(input));
    expect(Math.abs(wav.channels[0]!.length / 32000 - inWav.channels[0]!.length / inWav.sampleRate)).toBeLessThan(0.02);
    const conversion = await db().conversion.findFirstOrThrow({ where: { modelId: model.id } });
    expect(conversion.params).toMatchObject({ pitch: 2, f0Method: "yin" });

    const dl = path.join(dir, "models");
    const got = await cli(["models", "download", "cli-voice", "--out", dl]);
    expect(got.code, show(got)).toBe(0);
    const pth = path.join(dl, "cli-voice.pth");
    expect(got.stdout).toBe(`saved ${pth}\n`);
    expect(fs.readFileSync(pth).equals(fs.readFileSync(path.join(process.env.DATA_ROOT!, "models", "cli-voice", "cli-voice.pth")))).toBe(true);
    expect(fs.readdirSync(dl)).toEqual(["cli-voice.pth"]);

    const zip = await cli(["models", "download", model.id, "--out", dl, "--kind", "zip", "--json"]);
    expect(zip.code, show(zip)).toBe(0);
    expect(JSON.parse(zip.stdout)).toEqual({ model: model.id, kind: "zip", output: path.join(dl, "cli-voice.zip") });
    expect(fs.readFileSync(path.join(dl, "cli-voice.zip")).subarray(0, 2).toString()).toBe("PK");
  }, 600_000);

  it("says what is wrong in one line: no token, an unknown model, a refused pipeline", async () => {
    const anon = await cli(["experiments", "list"], { VOICE_STUDIO_TOKEN: "" });
    expect(anon.code).toBe(1);
    expect(anon.stderr).toMatch(/^error: .* \(unauthenticated, HTTP 401\); set VOICE_STUDIO_TOKEN to an API token .*\n$/);

    const unknown = await cli(["models", "download", "no-such-model", "--out", dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: No model with id or name "no-such-model" (voice-studio models list shows them) (model_not_found, HTTP 404)\n');

    // an experiment without audio: the pipeline is refused at once by the API, nothing is followed
    expect((await cli(["experiments", "create", "cli-empty"])).code).toBe(0);
    const empty = await cli(["pipeline", "cli-empty", "--follow"]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^error: "cli-empty" has no audio yet: .* \(no_audio, HTTP 409\)\n$/);
  });

  it("exits 1 when a pipeline stage fails, naming the stage, in lines and in --json; jobs follow agrees", async () => {
    const clip = speechWav(dir, "single.wav", "A single clip is enough to fail. The pretrained weights are not installed.");
    expect((await cli(["experiments", "create", "cli-fail", "--sample-rate", "32000"])).code).toBe(0);
    const up = await cli(["upload", "cli-fail", clip]);
    expect(up.code, show(up)).toBe(0);
    writeTinyTrainerConfig("cli-fail");
    // the default pretrained weights are not in this ASSETS_ROOT: training fails after preprocess and extract
    const pipe = await cli(["pipeline", "cli-fail", "--epochs", "1", "--follow", "--json"]);
    expect(pipe.code, show(pipe)).toBe(1);
    const lines = pipe.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const statuses = lines.filter((l) => l.kind === "status").map((l) => `${l.job} ${l.data.status}`);
    expect(statuses).toEqual(expect.arrayContaining(["preprocess succeeded", "extract succeeded", "train running", "train failed"]));
    const last = lines.at(-1);
    expect(last.job).toMatchObject({ kind: "train", status: "failed", experiment: "cli-fail" });
    expect(last.job.error).toMatch(/pretrained/i);

    const follow = await cli(["jobs", "follow", last.job.id]);
    expect(follow.code, show(follow)).toBe(1);
    expect(follow.stdout).toContain("[train] failed");
    expect(follow.stdout.trim().split("\n").at(-1)).toBe(`train job ${last.job.id} failed: ${last.job.error}`);
  }, 300_000);

  it("continues an interrupted upload from the server's offset (typed client, file-based resume store)", async () => {
    const client = createClient({ baseUrl: web.url, token: testToken() });
    await client.experiments.create({ name: "cli-resume" });
    const file = pcmWavOfSize(path.join(dir, "long.wav"), 3 * 1024 * 1024 + 44, 7);
    const storagePath = path.join(dir, "resume-store.json");
    const chunkSize = 512 * 1024;

    const abort = new AbortController();
    const first = client.uploads.uploadFile("cli-resume", file, {
      storagePath,
      chunkSize,
      signal: abort.signal,
      onChunkComplete: (accepted) => {
        if (accepted >= chunkSize) abort.abort(new Error("interrupted by the test"));
      },
    });
    await expect(first).rejects.toThrow("interrupted by the test");
    // the upload URL is remembered; nothing is stored as a file yet
    expect(Object.keys(JSON.parse(fs.readFileSync(storagePath, "utf8")))).toHaveLength(1);
    expect(await db().audioFile.count({ where: { experiment: { name: "cli-resume" } } })).toBe(0);

    let firstProgress = -1;
    const second = await client.uploads.uploadFile("cli-resume", file, {
      storagePath,
      chunkSize,
      onProgress: (sent) => {
        if (firstProgress < 0) firstProgress = sent;
      },
    });
    expect(second.resumedFrom).toBeGreaterThanOrEqual(chunkSize);
    expect(second.resumedFrom).toBeLessThan(fs.statSync(file).size);
    // the bytes before the offset were not sent again
    expect(firstProgress).toBeGreaterThanOrEqual(second.resumedFrom!);
    expect(second.result.files).toHaveLength(1);
    expect(second.result.files[0]).toMatchObject({ name: "long.wav", bytes: fs.statSync(file).size });
    // done: the resume entry is gone, and a third upload of the same file is refused as a duplicate, not resumed
    expect(JSON.parse(fs.readFileSync(storagePath, "utf8"))).toEqual({});
    const answers: string[] = [];
    const dup = await client.uploads
      .uploadFile("cli-resume", file, { storagePath, chunkSize, onResponse: (method, status) => answers.push(`${method} ${status}`) })
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ApiError);
    expect(dup).toMatchObject({ status: 409, code: "duplicate_file" });
    // the refusal is final: the last request is the one refused, nothing is sent again
    expect(answers[0]).toBe("POST 201");
    expect(answers.at(-1)).toBe("PATCH 409");
    expect(answers.filter((a) => a.endsWith(" 409"))).toHaveLength(1);
    expect(answers).toHaveLength(1 + Math.ceil(fs.statSync(file).size / chunkSize));
    expect(JSON.parse(fs.readFileSync(storagePath, "utf8"))).toEqual({});
  });
});
