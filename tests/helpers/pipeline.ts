/**
 * A prepared experiment for train tests: espeak-ng speech uploaded, preprocessed and extracted with the tiny
 * ONNX stand-ins installed at HUBERT_PATH/RMVPE_PATH, and the trainer's tiny config.json in place.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { config } from "../../lib/config";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { paths } from "../../lib/paths";
import { extract } from "../../worker/extract/job";
import { preprocess } from "../../worker/preprocess";
import { runJob, type JobHandler } from "../../worker/runner";
import { speechWav, sox } from "./audio-fixtures";
import { tinyModels, type TinyModelsResult } from "./tiny-models";

export const PY = "/usr/bin/python3";

export function trainerAvailable(): boolean {
  try {
    execFileSync(PY, ["-c", "import torch, faiss, numpy, scipy"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function installTinyModels(models: TinyModelsResult): void {
  if (!models.ok) return;
  for (const [from, to] of [[models.content768, config().hubertPath], [models.rmvpe, config().rmvpePath]] as const) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}

export async function runInProcess(handler: JobHandler, kind: "preprocess" | "extract" | "train" | "index" | "publish", experimentId: string, params: object = {}) {
  const job = await db().job.create({ data: { kind, experimentId, params } });
  await runJob(job.id, handler, { prisma: db(), workerId: "test", shutdown: new AbortController().signal });
  return db().job.findUniqueOrThrow({ where: { id: job.id } });
}

export const SENTENCES = [
  "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.",
  "It is easy to tell the depth of a well. These days a chicken leg is a rare dish. Rice is often served in round bowls.",
];

/** Upload espeak speech into an experiment the way a finished upload lands (file + AudioFile row). */
export async function addSpeech(experimentId: string, dir: string, texts: string[] = SENTENCES): Promise<void> {
  const exp = await db().experiment.findUniqueOrThrow({ where: { id: experimentId } });
  fs.mkdirSync(paths().experimentUploads(exp.name), { recursive: true });
  for (const [i, t] of texts.entries()) {
    const file = sox(dir, speechWav(dir, `${exp.name}-s${i}.wav`, t), `${exp.name}-speech${i}.wav`, "-r", "44100");
    const bytes = fs.readFileSync(file);
    const storedName = `up${i}.wav`;
    fs.copyFileSync(file, paths().uploadFile(exp.name, storedName));
    await db().audioFile.create({
      data: { experimentId, originalName: `speech${i}.wav`, storedName, bytes: BigInt(bytes.length), durationSec: 5, sha256: createHash("sha256").update(bytes).digest("hex") },
    });
  }
}

export function writeTinyTrainerConfig(experimentName: string): void {
  const file = path.join(paths().experimentDir(experimentName), "config.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  execFileSync(PY, ["-c", `import sys, json; sys.path.insert(0, "worker/trainer/tests"); from conftest import tiny_config; json.dump(tiny_config(), open(sys.argv[1], "w"), indent=4, sort_keys=True)`, file]);
}

/** speech → preprocess → extract, plus the tiny trainer config: ready for `train`. */
export async function preparedExperiment(name: string, dir: string) {
  installTinyModels(tinyModels());
  const exp = await createExperiment({ name, sampleRate: 32000, f0Method: "rmvpe", version: "v2" });
  await addSpeech(exp.id, dir);
  for (const [handler, kind] of [[preprocess, "preprocess"], [extract, "extract"]] as const) {
    const job = await runInProcess(handler, kind, exp.id);
    if (job.status !== "succeeded") throw new Error(`${kind} failed: ${job.error}`);
  }
  writeTinyTrainerConfig(name);
  return exp;
}

/** A real (tiny) RVC small model, made by our trainer package from the tests' tiny configuration. */
export function makeTinySmallModel(file: string, opts: { sr?: number; epoch?: number } = {}): void {
  execFileSync(PY, ["-c", [
    "import sys, json",
    "sys.path.insert(0, 'worker'); sys.path.insert(0, 'worker/trainer/tests')",
    "from conftest import tiny_config",
    "from trainer.hparams import load_hparams",
    "from trainer.models import Synthesizer",
    "from trainer.checkpoints import model_state",
    "from trainer.export import save_small_model",
    "cfg = sys.argv[1] + '.json'; json.dump(tiny_config(), open(cfg, 'w'))",
    "net = Synthesizer.from_hparams(load_hparams(cfg), version='v2', f0=True)",
    "save_small_model(sys.argv[1], model_state(net), net.config_list, epoch=int(sys.argv[3]), sr=int(sys.argv[2]), f0=True, version='v2')",
  ].join("\n"), file, String(opts.sr ?? 40000), String(opts.epoch ?? 3)]);
}
