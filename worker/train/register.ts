/**
 * Publish a finished model: its files move from the run's staging folder into MODELS_ROOT/{name}/
 * (swapped in whole, so a download never sees a half-replaced model), with a `model.json` card,
 * and the VoiceModel row is created or updated. A model of the same name that is not this experiment's (imported, or
 * another experiment's) is never replaced: the job fails with what to do (lib/models.ts#modelNameConflict).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { db, type Experiment } from "../../lib/db";
import { modelNameConflict } from "../../lib/models";
import { paths } from "../../lib/paths";
import { modelCreated } from "../../lib/webhooks/sources";
import { PermanentJobError } from "../runner";

export interface ModelFile {
  kind: "pth" | "onnx" | "index" | "card";
  name: string;
  bytes: number;
}

export async function registerModel(input: {
  experiment: Experiment;
  artifacts: { small_model?: string; onnx?: string; index?: string };
  epochs: number;
  datasetSeconds: number | null;
  trainParams: Record<string, unknown>;
  /** who started the training (the model's creator when this creates its row) */
  createdById?: string | null;
}) {
  const { experiment, artifacts } = input;
  const name = experiment.name;
  const p = paths();
  if (!artifacts.small_model) throw new Error("the trainer reported no small model");
  const clash = await modelNameConflict(name, experiment.id);
  if (clash) throw new PermanentJobError(`${clash}; the checkpoints are kept, so "train more epochs" after that publishes the model`);
  const finalDir = p.modelDir(name);
  const staging = path.join(path.dirname(finalDir), `.${name}.new-${randomBytes(3).toString("hex")}`);
  await fs.mkdir(staging, { recursive: true });
  const files: ModelFile[] = [];
  const take = async (src: string | undefined, kind: ModelFile["kind"], fileName: string) => {
    if (!src) return;
    const dest = path.join(staging, fileName);
    await fs.copyFile(src, dest);
    files.push({ kind, name: fileName, bytes: (await fs.stat(dest)).size });
  };
  await take(artifacts.small_model, "pth", `${name}.pth`);
  await take(artifacts.onnx, "onnx", `${name}.onnx`);
  if (artifacts.index) await take(artifacts.index, "index", path.basename(artifacts.index));
  const card = {
    name,
    experiment: name,
    sampleRate: experiment.sampleRate,
    version: experiment.version,
    f0: true,
    epochs: input.epochs,
    datasetSeconds: input.datasetSeconds,
    files: files.map((f) => ({ ...f })),
    train: input.trainParams,
    createdAt: new Date().toISOString(),
    createdBy: "Voice Studio",
  };
  const cardText = JSON.stringify(card, null, 2) + "\n";
  await fs.writeFile(path.join(staging, "model.json"), cardText);
  files.push({ kind: "card", name: "model.json", bytes: Buffer.byteLength(cardText) });

  const old = `${staging}.old`;
  const hadOld = await fs.rename(finalDir, old).then(() => true, () => false);
  await fs.rename(staging, finalDir);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });

  const sizeBytes = BigInt(files.reduce((s, f) => s + f.bytes, 0));
  const data = {
    experimentId: experiment.id,
    sampleRate: experiment.sampleRate,
    version: experiment.version,
    f0: true,
    epochs: input.epochs,
    datasetSeconds: input.datasetSeconds,
    files: files as unknown as object,
    sizeBytes,
    source: "trained",
  };
  // only this experiment's own row is updated; creating a row for a name someone took meanwhile fails (unique)
  const updated = await db().voiceModel.updateMany({ where: { name, experimentId: experiment.id }, data });
  const row = updated.count ? await db().voiceModel.findUniqueOrThrow({ where: { name } }) : await db().voiceModel.create({ data: { name, ...data, createdById: input.createdById ?? null } });
  // a new model (retraining updates this experiment's own model in place: no event)
  if (!updated.count) await modelCreated(row.id);
  return { ...row, files };
}
