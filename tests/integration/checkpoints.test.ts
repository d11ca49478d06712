/**
 * Issue 15 with the tiny trainer config on CPU: held-out clips never train, every checkpoint is validated, the
 * checkpoints API lists them with the recommended epoch, and publishing epoch N makes N's generator the model —
 * also after a cancelled training.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as listRoute from "../../app/api/experiments/[name]/checkpoints/route";
import * as publishRoute from "../../app/api/experiments/[name]/checkpoints/[epoch]/publish/route";
import * as previewRoute from "../../app/api/experiments/[name]/checkpoints/[epoch]/preview/route";
import { withAuth } from "../helpers/auth";
import { decodeWav } from "../../worker/dsp/wav";
import { db } from "../../lib/db";
import { paths } from "../../lib/paths";
import { tempDir } from "../helpers/audio-fixtures";
import { installTinyModels, PY, preparedExperiment, runInProcess, trainerAvailable } from "../helpers/pipeline";
import { until } from "../helpers/process";
import { call } from "../helpers/routes";
import { skipNote, tinyModels } from "../helpers/tiny-models";
import { train } from "../../worker/train";
import { publishCheckpoint } from "../../worker/train/publish-job";
import { CANCELLED, runJob } from "../../worker/runner";

const models = tinyModels();
const ready = models.ok && trainerAvailable();
const why = !trainerAvailable() ? " (skipped: /usr/bin/python3 lacks torch/faiss)" : skipNote(models);

let src: string;
beforeAll(() => {
  src = tempDir("vs-ckpt-");
  installTinyModels(models);
});
afterAll(async () => {
  fs.rmSync(src, { recursive: true, force: true });
  await db().$disconnect();
});

/** sha256 over the generator's tensors (fp16, without enc_q, as a small model stores them), in key order */
function generatorHash(file: string, kind: "checkpoint" | "small"): string {
  return execFileSync(PY, ["-c", [
    "import sys, hashlib",
    "sys.path.insert(0, 'worker')",
    "from trainer.commons import load_file",
    "d = load_file(sys.argv[1])",
    "w = d['model'] if sys.argv[2] == 'checkpoint' else d['weight']",
    "h = hashlib.sha256()",
    "for k in sorted(w):",
    "    if 'enc_q' in k: continue",
    "    h.update(k.encode()); h.update(w[k].detach().cpu().half().contiguous().numpy().tobytes())",
    "print(h.hexdigest())",
  ].join("\n"), file, kind], { encoding: "utf8" }).trim();
}

async function publishVia(name: string, epoch: number) {
  const res = await call(publishRoute.POST as never, "POST", { name, epoch: String(epoch) }, undefined);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const id = res.body.job.id as string;
  expect(res.body.job.kind).toBe("publish");
  await runJob(id, publishCheckpoint, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
  return db().job.findUniqueOrThrow({ where: { id } });
}

describe("checkpoints API input", () => {
  it("refuses a bad epoch and an unknown experiment", async () => {
    const bad = await call(publishRoute.POST as never, "POST", { name: "ckpt-none", epoch: "0" }, undefined);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_epoch");
    const huge = await call(publishRoute.POST as never, "POST", { name: "ckpt-none", epoch: "9".repeat(400) }, undefined);
    expect(huge.status).toBe(400);
    const missing = await call(listRoute.GET as never, "GET", { name: "ckpt-none" }, undefined);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("experiment_not_found");
  });
});

describe.skipIf(!ready)(`held-out validation and publishing a checkpoint${why}`, () => {
  it("holds clips out, validates each checkpoint, recommends the argmin and publishes epoch N's generator", async () => {
    const exp = await preparedExperiment("ckpt-main", src);
    const j = await runInProcess(train, "train", exp.id, { epochs: 3, batchSize: 2, saveEvery: 1, pretrained: "none", heldOut: 0.05 });
    expect(j.status, j.error ?? "").toBe("succeeded");
    const expDir = paths().experimentDir(exp.name);
    const heldOut = (j.result as { heldOut: string[] }).heldOut;
    expect(heldOut.length).toBeGreaterThanOrEqual(2);
    const filelist = fs.readFileSync(path.join(expDir, "filelist.txt"), "utf8");
    for (const s of heldOut) expect(filelist).not.toContain(`/${s}.wav`);
    const heldText = fs.readFileSync(path.join(expDir, "heldout.txt"), "utf8");
    expect(heldText.split("\n").map((l) => path.basename(l.split("|")[0]!, ".wav"))).toEqual(heldOut);

    const validations = (await db().jobEvent.findMany({ where: { jobId: j.id, kind: "metric" }, orderBy: { id: "asc" } }))
      .map((e) => e.data as Record<string, number | string>)
      .filter((d) => d.kind === "validation");
    expect(validations.map((v) => v.epoch)).toEqual([1, 2, 3]);

    const list = await call(listRoute.GET as never, "GET", { name: exp.name }, undefined);
    expect(list.status).toBe(200);
    const cps = list.body.checkpoints as { epoch: number; validation: { mel: number; stft: number }; trainLoss: Record<string, number>; available: boolean; published: boolean }[];
    expect(cps.map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(cps.every((c) => c.available && c.validation.mel > 0 && c.validation.stft > 0 && c.trainLoss.mel! > 0)).toBe(true);
    expect(cps.map((c) => c.validation.mel)).toEqual(validations.map((v) => v.mel));
    expect(cps.find((c) => c.published)?.epoch).toBe(3);
    const best = cps.reduce((a, b) => (b.validation.mel < a.validation.mel ? b : a));
    expect(list.body.recommended).toEqual({ epoch: best.epoch, reason: "lowest validation mel L1 over 3 checkpoints" });
    expect(list.body.heldOut).toEqual(heldOut);

    // each checkpoint's preview: a wav at the model's rate, as long as the first held-out clip (to a few frames), ≤ 10 s
    const probe = decodeWav(fs.readFileSync(path.join(paths().experimentSubdir(exp.name, "gtWavs"), `${heldOut[0]}.wav`)));
    for (const c of list.body.checkpoints as { epoch: number; preview: string; peaks: number[] }[]) {
      expect(c.preview).toBe(`/api/experiments/${exp.name}/checkpoints/${c.epoch}/preview`);
      // the small waveform: 48 peaks in 0…1, not all silent
      expect(c.peaks).toHaveLength(48);
      expect(c.peaks.every((p) => p >= 0 && p <= 1) && Math.max(...c.peaks) > 0).toBe(true);
      const res = await (previewRoute.GET as unknown as (r: Request, ctx: unknown) => Promise<Response>)(new Request(`http://test.local${c.preview}`, withAuth({ method: "GET" })), {
        params: Promise.resolve({ name: exp.name, epoch: String(c.epoch) }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("audio/wav");
      const wav = decodeWav(new Uint8Array(await res.arrayBuffer()));
      expect(wav.sampleRate).toBe(32000);
      const samples = wav.channels[0]!.length;
      const probeSamples = probe.channels[0]!.length;
      expect(samples).toBeLessThanOrEqual(Math.min(probeSamples, 320_000));
      expect(samples).toBeGreaterThanOrEqual(probeSamples - 4 * 320); // features, pitch and spectrogram aligned to the shortest: a few frames
    }
    const noPreview = await call(previewRoute.GET as never, "GET", { name: exp.name, epoch: "99" }, undefined);
    expect(noPreview.status).toBe(404);
    expect(noPreview.body.error.code).toBe("preview_not_found");

    const published = await publishVia(exp.name, 1);
    expect(published.status, published.error ?? "").toBe("succeeded");
    const model = await db().voiceModel.findUniqueOrThrow({ where: { name: exp.name } });
    expect(model.epochs).toBe(1);
    expect((model.files as { kind: string }[]).map((f) => f.kind).sort()).toEqual(["card", "index", "onnx", "pth"]);
    const state = JSON.parse(fs.readFileSync(path.join(expDir, "train-state.json"), "utf8")) as { checkpoints: { epoch: number; g: string }[] };
    const gOf = (epoch: number) => path.join(expDir, state.checkpoints.find((c) => c.epoch === epoch)!.g);
    const pth = path.join(paths().modelDir(exp.name), `${exp.name}.pth`);
    expect(generatorHash(pth, "small")).toBe(generatorHash(gOf(1), "checkpoint"));
    expect(generatorHash(pth, "small")).not.toBe(generatorHash(gOf(3), "checkpoint"));
    const after = await call(listRoute.GET as never, "GET", { name: exp.name }, undefined);
    expect((after.body.checkpoints as { epoch: number; published: boolean }[]).filter((c) => c.published).map((c) => c.epoch)).toEqual([1]);

    const none = await call(publishRoute.POST as never, "POST", { name: exp.name, epoch: "7" }, undefined);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe("checkpoint_not_found");
    expect(none.body.error.details.available).toEqual([1, 2, 3]);
  }, 400_000);

  it("the probe option: the chosen slice is every checkpoint's preview, also without held-out clips; an upload's id means its first slice", async () => {
    const exp = await preparedExperiment("ckpt-probe", src);
    const gt = paths().experimentSubdir(exp.name, "gtWavs");
    const stems = fs.readdirSync(gt).filter((f) => f.endsWith(".wav")).map((f) => f.slice(0, -4)).sort();
    const probe = stems.at(-1)!;
    const j = await runInProcess(train, "train", exp.id, { epochs: 2, batchSize: 2, saveEvery: 1, pretrained: "none", heldOut: 0, probe });
    expect(j.status, j.error ?? "").toBe("succeeded");
    const expDir = paths().experimentDir(exp.name);
    expect(fs.readFileSync(path.join(expDir, "probe.txt"), "utf8")).toContain(`/${probe}.wav|`);
    const list = await call(listRoute.GET as never, "GET", { name: exp.name }, undefined);
    expect(list.body.heldOut).toEqual([]);
    expect(list.body.probe).toBe(probe);
    const probeWav = decodeWav(fs.readFileSync(path.join(gt, `${probe}.wav`)));
    const probeSamples = Math.min(probeWav.channels[0]!.length, 9 * 32000);
    for (const c of list.body.checkpoints as { epoch: number; validation: unknown; preview: string | null }[]) {
      expect(c.validation).toBeNull(); // no held-out clips: not validated, still a preview
      expect(c.preview).not.toBeNull();
      const wav = decodeWav(fs.readFileSync(path.join(expDir, "previews", `e${c.epoch}.wav`)));
      expect(wav.sampleRate).toBe(32000);
      expect(wav.channels[0]!.length).toBeLessThanOrEqual(probeSamples);
      expect(wav.channels[0]!.length).toBeGreaterThanOrEqual(probeSamples - 4 * 320);
    }
    // continue with an uploaded file's id: its first slice
    const file = await db().audioFile.findFirstOrThrow({ where: { experimentId: exp.id } });
    const idx0 = (JSON.parse(fs.readFileSync(path.join(expDir, "preprocess.json"), "utf8")) as { sources: Record<string, { idx0: number }> }).sources[file.id]!.idx0;
    const more = await runInProcess(train, "train", exp.id, { moreEpochs: 1, batchSize: 2, saveEvery: 1, pretrained: "none", heldOut: 0, probe: file.id });
    expect(more.status, more.error ?? "").toBe("succeeded");
    const first = stems.filter((s) => s.startsWith(`${idx0}_`)).sort((a, b) => Number(a.split("_")[1]) - Number(b.split("_")[1]))[0];
    expect((await call(listRoute.GET as never, "GET", { name: exp.name }, undefined)).body.probe).toBe(first);
  }, 400_000);

  it("cancel → publish: the checkpoint a cancelled training kept becomes the model, and continue keeps the held-out set", async () => {
    const exp = await preparedExperiment("ckpt-cancel", src);
    const job = await db().job.create({ data: { kind: "train", experimentId: exp.id, params: { epochs: 60, batchSize: 2, saveEvery: 1, pretrained: "none" } } });
    const cancel = new AbortController();
    const running = runJob(job.id, train, { prisma: db(), workerId: "test", shutdown: new AbortController().signal, cancel });
    await until(
      async () => (await db().jobEvent.findMany({ where: { jobId: job.id, kind: "metric" } })).some((e) => (e.data as { kind?: string }).kind === "validation"),
      180_000,
      "the first validated checkpoint",
    );
    cancel.abort(CANCELLED);
    await running;
    expect((await db().job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("cancelled");
    expect(await db().voiceModel.findUnique({ where: { name: exp.name } })).toBeNull();
    const list = await call(listRoute.GET as never, "GET", { name: exp.name }, undefined);
    const epoch = (list.body.checkpoints as { epoch: number; available: boolean }[]).filter((c) => c.available).at(-1)!.epoch;
    expect(epoch).toBeGreaterThanOrEqual(1);
    const published = await publishVia(exp.name, epoch);
    expect(published.status, published.error ?? "").toBe("succeeded");
    expect((await db().voiceModel.findUniqueOrThrow({ where: { name: exp.name } })).epochs).toBe(epoch);
    expect((await db().experiment.findUniqueOrThrow({ where: { id: exp.id } })).status).toBe("trained");

    const heldBefore = list.body.heldOut as string[];
    const more = await runInProcess(train, "train", exp.id, { moreEpochs: 1, batchSize: 2, saveEvery: 1, pretrained: "none", heldOut: 0.5 });
    expect(more.status, more.error ?? "").toBe("succeeded");
    expect((more.result as { heldOut: string[] }).heldOut).toEqual(heldBefore);
    const history = (await call(listRoute.GET as never, "GET", { name: exp.name }, undefined)).body.checkpoints as { epoch: number; validation: unknown }[];
    expect(history.filter((c) => c.validation).map((c) => c.epoch)).toContain(epoch + 1);
    expect(history.filter((c) => c.validation).length).toBeGreaterThanOrEqual(2);
  }, 400_000);
});
