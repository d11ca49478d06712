/**
 * The whole pipeline on real files: espeak-ng speech → preprocess → extract (RMVPE and the content model as
 * tiny ONNX stand-ins with the real signatures) → train (our PyTorch trainer, tiny config) → a model in
 * MODELS_ROOT, then "train 1 more epoch". Skips, with the reason, where torch or the tiny models are missing.
 */
import { heldOutCount } from "../../worker/train/filelist";
import { TRAIN_DEFAULTS } from "../../lib/train-options";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { config } from "../../lib/config";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { paths } from "../../lib/paths";
import { validateExperiment } from "../../lib/validate";
import { extract } from "../../worker/extract/job";
import { preprocess } from "../../worker/preprocess";
import { train } from "../../worker/train";
import { sineWav, tempDir } from "../helpers/audio-fixtures";
import { addSpeech, installTinyModels, PY, runInProcess, trainerAvailable, writeTinyTrainerConfig } from "../helpers/pipeline";
import { skipNote, tinyModels } from "../helpers/tiny-models";

const models = tinyModels();
const hasTorch = trainerAvailable();
const ready = models.ok && hasTorch;
const why = !hasTorch ? ` (skipped: ${PY} lacks torch/faiss)` : skipNote(models);

let src: string;
beforeAll(() => {
  src = tempDir("vs-pipe-");
  // "install" the stand-ins where the configuration expects the real models
  installTinyModels(models);
});
afterAll(async () => {
  fs.rmSync(src, { recursive: true, force: true });
  await db().$disconnect();
});

const run = runInProcess;

function npy(file: string): { dtype: string; shape: number[] } {
  const out = execFileSync(PY, ["-c", `import numpy, json, sys; a = numpy.load(sys.argv[1]); print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape)}))`, file], { encoding: "utf8" });
  return JSON.parse(out);
}

describe.skipIf(!ready)(`speech → preprocess → extract → train → model${why}`, () => {
  it("produces an RVC training set that numpy reads, trains a model, and continues for one more epoch", async () => {
    const exp = await createExperiment({ name: "pipe-speech", sampleRate: 32000, f0Method: "rmvpe", version: "v2" });
    await addSpeech(exp.id, src);

    // training before extraction is refused before any trainer starts, with the list of problems
    const early = await run(train, "train", exp.id, { epochs: 1, pretrained: "none" });
    expect(early.status).toBe("failed");
    expect(early.error).toMatch(/not ready to train: there are no training chunks yet: run preprocess first/);

    expect((await run(preprocess, "preprocess", exp.id)).status).toBe("succeeded");
    const extracted = await run(extract, "extract", exp.id);
    expect(extracted.status).toBe("succeeded");
    expect((extracted.result as { failed: unknown[] }).failed).toEqual([]);

    const report = await validateExperiment(exp.name, "v2");
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.gt).toBeGreaterThanOrEqual(3);
    // every stage has a file for every slice; none is left out by the dataset doctor
    const { excluded, ...perStage } = report.counts;
    expect(excluded).toBe(0);
    expect(new Set(Object.values(perStage)).size).toBe(1);

    // formats as numpy sees them (rvc-formats §2–3)
    const stem = "0_0";
    const coarse = npy(path.join(paths().experimentSubdir(exp.name, "f0"), `${stem}.wav.npy`));
    const hz = npy(path.join(paths().experimentSubdir(exp.name, "f0nsf"), `${stem}.wav.npy`));
    const feat = npy(path.join(paths().featureDir(exp.name, "v2"), `${stem}.npy`));
    expect(coarse.dtype).toBe("int64");
    expect(hz.dtype).toBe("float64");
    expect(feat.dtype).toBe("float32");
    expect(feat.shape[1]).toBe(768);
    expect(coarse.shape).toEqual(hz.shape);
    const n16 = (fs.statSync(path.join(paths().experimentSubdir(exp.name, "wavs16k"), `${stem}.wav`)).size - 58) / 4;
    expect(hz.shape[0]).toBe(Math.floor(n16 / 160) + 1);
    expect(feat.shape[0]).toBe(Math.floor((n16 - 400) / 320) + 1);

    // the trainer's tiny configuration (worker/trainer/tests/conftest.py), written where the job looks first
    const expDir = paths().experimentDir(exp.name);
    writeTinyTrainerConfig(exp.name);

    const trained = await run(train, "train", exp.id, { epochs: 2, batchSize: 2, saveEvery: 1, pretrained: "none" });
    if (trained.status !== "succeeded") {
      const logs = await db().jobEvent.findMany({ where: { jobId: trained.id }, orderBy: { id: "asc" } });
      throw new Error(`train failed: ${trained.error}\n${logs.map((l) => l.message).join("\n")}`);
    }
    const filelist = fs.readFileSync(path.join(expDir, "filelist.txt"), "utf8");
    const lines = filelist.split("\n");
    expect(filelist.endsWith("\n")).toBe(false);
    // every slice is either trained (filelist.txt, plus the two mute lines) or held out for validation (heldout.txt)
    const heldOut = (trained.result as { heldOut: string[] }).heldOut;
    expect(heldOut.length).toBe(heldOutCount(report.counts.gt, TRAIN_DEFAULTS.heldOut));
    expect(lines).toHaveLength(report.counts.gt - heldOut.length + 2);
    expect(lines.every((l) => l.split("|").length === 5 && l.endsWith("|0"))).toBe(true);
    expect(lines.filter((l) => l.includes("/mute/"))).toHaveLength(2);

    const model = await db().voiceModel.findUniqueOrThrow({ where: { name: exp.name } });
    expect(model).toMatchObject({ sampleRate: 32000, version: "v2", f0: true, epochs: 2, source: "trained" });
    const dir = paths().modelDir(exp.name);
    const names = fs.readdirSync(dir).sort();
    expect(names).toContain("pipe-speech.pth");
    expect(names).toContain("pipe-speech.onnx");
    expect(names).toContain("model.json");
    expect(names.some((n) => /^added_IVF\d+_Flat_nprobe_1_pipe-speech_v2\.index$/.test(n))).toBe(true);
    const metrics = await db().jobEvent.findMany({ where: { jobId: trained.id, kind: "metric" }, orderBy: { id: "asc" } });
    const epochs = metrics.map((m) => m.data as Record<string, unknown>).filter((d) => d.kind === "epoch");
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(typeof epochs[0]!.mel).toBe("number");
    expect(metrics.some((m) => (m.data as Record<string, unknown>).kind === "checkpoint")).toBe(true);

    const more = await run(train, "train", exp.id, { moreEpochs: 1, batchSize: 2, saveEvery: 1, pretrained: "none" });
    expect(more.status).toBe("succeeded");
    const logs = (await db().jobEvent.findMany({ where: { jobId: more.id, kind: "log" } })).map((l) => l.message ?? "");
    expect(logs.some((l) => /training to epoch 3 \(checkpoints hold 2\)/.test(l))).toBe(true);
    expect(logs.some((l) => /resumed from G_/.test(l))).toBe(true);
    expect((await db().voiceModel.findUniqueOrThrow({ where: { name: exp.name } })).epochs).toBe(3);
  }, 300_000);
});

describe.skipIf(!models.ok)(`extract with a missing model file${skipNote(models)}`, () => {
  it("fails at once, naming the variable and the fix, and writes nothing", async () => {
    const exp = await createExperiment({ name: "pipe-nomodel", sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
    const dir = paths().experimentSubdir(exp.name, "wavs16k");
    fs.mkdirSync(dir, { recursive: true });
    sineWav(dir, "0_0.wav", { seconds: 2, rate: 16000, freq: 180, amp: 0.4 });
    const rmvpe = config().rmvpePath;
    fs.renameSync(rmvpe, `${rmvpe}.away`);
    try {
      const job = await run(extract, "extract", exp.id);
      expect(job.status).toBe("failed");
      expect(job.error).toBe(`RMVPE_PATH=${rmvpe} does not exist: run \`npm run assets\` or point RMVPE_PATH at the model file`);
      expect(fs.existsSync(paths().experimentSubdir(exp.name, "f0"))).toBe(false);
    } finally {
      fs.renameSync(`${rmvpe}.away`, rmvpe);
    }
    // with the weight-free method the same experiment extracts without RMVPE
    fs.renameSync(rmvpe, `${rmvpe}.away`);
    try {
      const yin = await run(extract, "extract", exp.id, { f0Method: "yin" });
      expect(yin.status).toBe("succeeded");
    } finally {
      fs.renameSync(`${rmvpe}.away`, rmvpe);
    }
  });
});
