/**
 * The `convert` job: one Conversion row → DATA_ROOT/conversions/{id}/output.wav (16-bit PCM at the model's rate).
 * Models: the model's synthesizer ONNX, the content model (HUBERT_PATH), RMVPE (RMVPE_PATH) when chosen, and the
 * model's FAISS index when it has one and the index rate is above 0.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { config } from "../../lib/config";
import { parseConversionParams } from "../../lib/api/parse";
import { db } from "../../lib/db";
import type { ConversionParams } from "../../lib/conversion-params";
import type { VoiceModel } from "../../lib/db";
import type { ModelFile } from "../../lib/models";
import type { JobReporter } from "../../lib/report";
import { requireFreeSpace } from "../../lib/disk";
import { paths } from "../../lib/paths";
import { contentSession } from "../extract/content";
import { rmvpeSession } from "../extract/rmvpe";
import { getSession, ModelFileError, releaseSessionsUnder } from "../onnx/session";
import { PermanentJobError, type JobHandler } from "../runner";
import { ConversionInputError, type ConversionModels } from "./convert";
import { IndexFormatError, readFaissIndex, type FeatureIndex } from "./faiss-index";
import { convertFile } from "./file";
import { SR16K } from "./plan";
import { SynthError } from "./synth";

/** The last index read, kept while the same file (path, size, mtime) is asked for again. */
let cachedIndex: { key: string; index: FeatureIndex } | null = null;

async function loadIndex(file: string): Promise<FeatureIndex> {
  const st = await fs.stat(file);
  const key = `${file}:${st.size}:${st.mtimeMs}`;
  if (cachedIndex?.key === key) return cachedIndex.index;
  cachedIndex = null;
  const index = readFaissIndex(await fs.readFile(file));
  cachedIndex = { key, index };
  return index;
}

async function requireFile(file: string, what: string): Promise<void> {
  if (!(await fs.stat(file).catch(() => null))?.isFile()) throw new PermanentJobError(`${what} does not exist: ${file}`);
}

/** The ONNX file (and index, if any) of a model, by kind; PermanentJobError when it has no ONNX export. */
export function modelFiles(model: VoiceModel): { onnx: ModelFile; index: ModelFile | undefined } {
  const files = model.files as unknown as ModelFile[];
  const onnx = files.find((f) => f.kind === "onnx");
  if (!onnx) throw new PermanentJobError(`model "${model.name}" has no ONNX export`);
  return { onnx, index: files.find((f) => f.kind === "index") };
}

/** Load what a conversion with `params` runs: synthesizer, content model, RMVPE when chosen, the index when used. */
export async function loadConversionModels(model: VoiceModel, params: ConversionParams, report: Pick<JobReporter, "log">, deviceId?: number): Promise<ConversionModels> {
  const cfg = config();
  const p = paths();
  const { onnx, index: indexFile } = modelFiles(model);
  const log = (level: "info" | "warn", message: string) => report.log(level, message);
  await requireFile(cfg.hubertPath, "the content model (HUBERT_PATH); run `npm run assets` or set HUBERT_PATH");
  if (params.f0Method === "rmvpe") await requireFile(cfg.rmvpePath, "the RMVPE model (RMVPE_PATH); run `npm run assets`, set RMVPE_PATH or choose the yin pitch method");
  const synthPath = p.modelFile(model.name, onnx.name);
  await requireFile(synthPath, `the ONNX file of model "${model.name}"`);
  await releaseSessionsUnder(cfg.modelsRoot, synthPath);
  const [synth, content, rmvpe] = await Promise.all([
    // on the GPU slot it holds, if any (one session per device)
    getSession(synthPath, { log, deviceId }),
    contentSession(cfg.hubertPath, { log, deviceId }),
    params.f0Method === "rmvpe" ? rmvpeSession(cfg.rmvpePath, { log, deviceId }) : Promise.resolve(null),
  ]);
  let index: FeatureIndex | null = null;
  if (indexFile && params.indexRate > 0) {
    index = await loadIndex(p.modelFile(model.name, indexFile.name));
    report.log("info", `index: ${index.ntotal} vectors in ${index.nlist} lists, nprobe ${index.nprobe}, k 8, rate ${params.indexRate}`);
  } else {
    report.log("info", indexFile ? "index rate 0: retrieval off" : "this model has no index: retrieval off");
  }
  report.log("info", `synthesizer on ${synth.provider}, content model on ${content.provider}, pitch ${params.f0Method}${rmvpe ? ` on ${rmvpe.provider}` : " (TypeScript)"}`);
  return { synth, content, rmvpe, index };
}

/** A conversion's own errors (bad input, a broken model or index) as permanent failures; anything else as it is. */
export function asPermanentConversionError(err: unknown): unknown {
  if (err instanceof ConversionInputError || err instanceof SynthError || err instanceof IndexFormatError || err instanceof ModelFileError) {
    return new PermanentJobError(err.message);
  }
  return err;
}

/**
 * The Conversion row a convert or cover job works on, its model and its settings; a permanent failure when the row or
 * the model was deleted meanwhile. `what` names the row in that message ("conversion", "cover").
 */
export async function conversionOfJob(job: { params: unknown }, what: string) {
  const conversionId = (job.params as { conversionId?: string }).conversionId;
  const conversion = conversionId ? await db().conversion.findUnique({ where: { id: conversionId } }) : null;
  if (!conversion) throw new PermanentJobError(`the ${what} was deleted`);
  const model = conversion.modelId ? await db().voiceModel.findUnique({ where: { id: conversion.modelId } }) : null;
  if (!model) throw new PermanentJobError("the model was deleted");
  return { conversion, model, params: parseConversionParams(conversion.params as Record<string, unknown>) };
}

export const convert: JobHandler = async ({ job, signal, report, devices }) => {
  const { conversion, model, params } = await conversionOfJob(job, "conversion");
  modelFiles(model);
  const p = paths();
  const dir = p.conversionDir(conversion.id);

  // preflight: a float32 scratch copy and the 16-bit output at the model's rate, with 10% spare
  if (conversion.inputSeconds) await requireFreeSpace(dir, conversion.inputSeconds * model.sampleRate * (4 + 2) * 1.1, "this conversion");
  try {
    report.progress(0, 1, "loading models");
    const models = await loadConversionModels(model, params, report, devices[0]);
    const started = Date.now();
    const outFile = path.join(dir, "output.wav");
    const result = await convertFile(conversion.inputPath, outFile, models, {
      params,
      sampleRate: model.sampleRate,
      signal,
      onDecoding: () => report.progress(0, 1, "decoding input"),
      onProgress: (stage, done, total) => {
        if (stage === "convert" && done >= total) report.progress(1, 1, "writing output");
        else report.progress(stage === "convert" ? done : 0, stage === "convert" ? total : 1, stage, stage === "convert" ? "audio s" : undefined);
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const outputSeconds = result.outputSamples / model.sampleRate;
    await db().conversion.update({
      where: { id: conversion.id },
      data: { outputPath: outFile, outputSeconds, sampleRate: model.sampleRate, finishedAt: new Date() },
    });
    const inputSeconds = result.inputSamples / SR16K;
    const rtf = seconds / inputSeconds;
    report.log("info", `converted ${inputSeconds.toFixed(2)} s in ${seconds.toFixed(2)} s (real-time factor ${rtf.toFixed(3)}), ${result.segments} segment(s)`);
    return { outputSeconds, sampleRate: model.sampleRate, segments: result.segments, realTimeFactor: Math.round(rtf * 1000) / 1000, peak: result.peak };
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw asPermanentConversionError(err);
  }
};
