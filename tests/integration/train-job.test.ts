/**
 * The train job with a real worker process and the tiny trainer config on CPU: the API chain to a listed model,
 * cancel → checkpoint → continue, SIGKILL of the worker → the retry resumes from the checkpoint, and the
 * refusals that come before any trainer starts.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pipelineRoute from "../../app/api/experiments/[name]/pipeline/route";
import * as trainRoute from "../../app/api/experiments/[name]/train/route";
import * as indexRoute from "../../app/api/experiments/[name]/index/route";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { cancelJob } from "../../lib/jobs";
import { paths } from "../../lib/paths";
import { tempDir } from "../helpers/audio-fixtures";
import { addSpeech, installTinyModels, preparedExperiment, runInProcess, trainerAvailable, writeTinyTrainerConfig } from "../helpers/pipeline";
import { until, workerPool } from "../helpers/process";
import { call } from "../helpers/routes";
import { skipNote, tinyModels } from "../helpers/tiny-models";
import { train } from "../../worker/train";

const models = tinyModels();
const ready = models.ok && trainerAvailable();
const why = !trainerAvailable() ? " (skipped: /usr/bin/python3 lacks torch/faiss)" : skipNote(models);

let src: string;
const workers = workerPool();
beforeAll(() => {
  src = tempDir("vs-train-");
  installTinyModels(models);
});
afterAll(async () => {
  workers.killAll();
  fs.rmSync(src, { recursive: true, force: true });
  await db().$disconnect();
});

const worker = workers.start;

const job = (id: string) => db().job.findUniqueOrThrow({ where: { id } });
const logsOf = async (id: string) => (await db().jobEvent.findMany({ where: { jobId: id }, orderBy: { id: "asc" } })).map((e) => e.message ?? "");
const epochMetrics = async (id: string) =>
  (await db().jobEvent.findMany({ where: { jobId: id, kind: "metric" }, orderBy: { id: "asc" } }))
    .map((e) => e.data as Record<string, number | string>)
    .filter((d) => d.kind === "epoch" || d.kind === "checkpoint");

async function finished(id: string, timeoutMs: number) {
  return until(async () => {
    const j = await job(id);
    return ["succeeded", "failed", "cancelled"].includes(j.status) ? j : null;
  }, timeoutMs, `job ${id} to finish`);
}

describe("train requests refused before any trainer starts", () => {
  it("rejects a bad batch size with 400 and the rule", async () => {
    await createExperiment({ name: "train-bad", sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
    const res = await call(trainRoute.POST as never, "POST", { name: "train-bad" }, { epochs: 5, batchSize: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_batchSize");
    expect(res.body.error.message).toMatch(/batchSize must be a whole number from 1 to 256/);
    expect(await db().job.count({ where: { experiment: { name: "train-bad" } } })).toBe(0);
  });

  it("fails an experiment that was never preprocessed, listing the problem", async () => {
    const exp = await createExperiment({ name: "train-raw", sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
    const j = await runInProcess(train, "train", exp.id, { epochs: 1 });
    expect(j.status).toBe("failed");
    expect(j.error).toMatch(/not ready to train: there are no training chunks yet: run preprocess first/);
    expect(await logsOf(j.id)).not.toContainEqual(expect.stringMatching(/trainer started/));
  });
});

describe.skipIf(!ready)(`train job with a worker process${why}`, () => {
  it("refuses missing default pretrained weights with the command that fetches them", async () => {
    const exp = await preparedExperiment("train-nopre", src);
    const j = await runInProcess(train, "train", exp.id, { epochs: 1, pretrained: "default" });
    expect(j.status).toBe("failed");
    expect(j.error).toMatch(/default pretrained weights are missing \(.*f0G32k\.pth.*\): run `npm run assets`/);
    expect(await logsOf(j.id)).not.toContainEqual(expect.stringMatching(/trainer started/));
  }, 120_000);

  it("runs upload → preprocess → extract → train → index → model from the API, then rebuilds the index alone", async () => {
    const w = worker();
    await w.waitFor(/ready on/, 60_000);
    const exp = await createExperiment({ name: "train-chain", sampleRate: 32000, f0Method: "rmvpe", version: "v2" });
    await addSpeech(exp.id, src);
    writeTinyTrainerConfig(exp.name);
    const res = await call(pipelineRoute.POST as never, "POST", { name: exp.name }, { epochs: 2, batchSize: 2, saveEvery: 1, pretrained: "none" });
    expect(res.status).toBe(202);
    const trainJob = await until(async () => db().job.findFirst({ where: { experimentId: exp.id, kind: "train" } }), 120_000, "the pipeline to reach train");
    const done = await finished(trainJob.id, 180_000);
    expect(done.status, done.error ?? "").toBe("succeeded");
    // (the dataset doctor's analyze jobs run beside the pipeline)
    const kinds = (await db().job.findMany({ where: { experimentId: exp.id, kind: { not: "analyze" } }, orderBy: { createdAt: "asc" } })).map((j) => `${j.kind}:${j.status}`);
    expect(kinds).toEqual(["preprocess:succeeded", "extract:succeeded", "train:succeeded"]);
    const model = await db().voiceModel.findUniqueOrThrow({ where: { name: exp.name } });
    expect(model.epochs).toBe(2);
    expect((model.files as { kind: string }[]).map((f) => f.kind).sort()).toEqual(["card", "index", "onnx", "pth"]);

    const idx = await call(indexRoute.POST as never, "POST", { name: exp.name }, {});
    expect(idx.status).toBe(202);
    const rebuilt = await finished(idx.body.job.id, 120_000);
    expect(rebuilt.status, rebuilt.error ?? "").toBe("succeeded");
    const indexName = (rebuilt.result as { index: string }).index;
    expect(fs.existsSync(path.join(paths().modelDir(exp.name), indexName))).toBe(true);
    w.child.kill("SIGTERM");
    await w.exit();
  }, 400_000);

  it("cancel during training leaves a checkpoint, and continue finishes the remaining epochs", async () => {
    // prepared in-process before the worker starts: its reaper would hand back jobs of the in-process runner ("test")
    const exp = await preparedExperiment("train-cancel", src);
    const w = worker();
    await w.waitFor(/ready on/, 60_000);
    const res = await call(trainRoute.POST as never, "POST", { name: exp.name }, { epochs: 40, batchSize: 2, saveEvery: 1, pretrained: "none" });
    const id = res.body.job.id as string;
    await until(async () => (await epochMetrics(id)).some((m) => m.kind === "checkpoint" && Number(m.epoch) >= 2), 180_000, "a checkpoint at epoch 2");
    await cancelJob(id);
    const stopped = await finished(id, 120_000);
    expect(stopped.status).toBe("cancelled");
    const state = JSON.parse(fs.readFileSync(path.join(paths().experimentDir(exp.name), "train-state.json"), "utf8")) as { completedEpochs: number };
    expect(state.completedEpochs).toBeGreaterThanOrEqual(2);
    expect(state.completedEpochs).toBeLessThan(40);
    // the job's last stage says what was saved, not the epoch that was running
    expect(stopped.stage).toBe(`stopped: the checkpoint of epoch ${state.completedEpochs} is kept`);
    expect(fs.readdirSync(paths().experimentDir(exp.name)).some((n) => /^G_\d+\.pth$/.test(n))).toBe(true);

    const more = await call(trainRoute.POST as never, "POST", { name: exp.name }, { moreEpochs: 2, batchSize: 2, saveEvery: 1, pretrained: "none" });
    expect(more.status).toBe(202);
    const cont = await finished(more.body.job.id, 240_000);
    expect(cont.status, cont.error ?? "").toBe("succeeded");
    const logs = await logsOf(cont.id);
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`epochs ${state.completedEpochs + 1}–${state.completedEpochs + 2}, resumed from G_`)));
    expect((await db().voiceModel.findUniqueOrThrow({ where: { name: exp.name } })).epochs).toBe(state.completedEpochs + 2);
    w.child.kill("SIGTERM");
    await w.exit();
  }, 600_000);

  it("a worker killed with SIGKILL mid-training: the retried job resumes from the checkpoint", async () => {
    const exp = await preparedExperiment("train-kill", src);
    const a = worker();
    await a.waitFor(/ready on/, 60_000);
    const res = await call(trainRoute.POST as never, "POST", { name: exp.name }, { epochs: 6, batchSize: 2, saveEvery: 1, pretrained: "none" });
    const id = res.body.job.id as string;
    await until(async () => (await epochMetrics(id)).some((m) => m.kind === "checkpoint" && Number(m.epoch) >= 2), 180_000, "a checkpoint at epoch 2");
    a.child.kill("SIGKILL");
    await a.exit();

    const b = worker({ WORKER_STALE_SECONDS: "3" });
    await b.waitFor(/ready on/, 60_000);
    const done = await finished(id, 300_000);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(done.attempts).toBe(2);
    const logs = await logsOf(id);
    const starts = logs.filter((l) => l.startsWith("trainer started"));
    expect(starts).toHaveLength(2);
    const resumedAt = Number(/epochs (\d+)–6, resumed from G_/.exec(starts[1]!)?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(3);
    expect(logs).toContainEqual(expect.stringMatching(/^interrupted: its worker .* stopped heart-beating/));
    expect((await db().voiceModel.findUniqueOrThrow({ where: { name: exp.name } })).epochs).toBe(6);
    b.child.kill("SIGTERM");
    await b.exit();
  }, 600_000);
});
