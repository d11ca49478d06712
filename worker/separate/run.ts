/**
 * Separation steps shared by the `separate` job (an upload's stems) and the `cover` job (a song's cached stems):
 * find the model and its parameters, load it, and separate one audio file into `vocals.wav` and `accompaniment.wav`
 * (float32 stereo 44.1 kHz) in a work folder of the caller's, flat in memory (worker/separate/io.ts).
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { Config } from "../../lib/config";
import type { JobReporter } from "../../lib/report";
import { separationModelProblem } from "../../lib/separation-rules";
import { ModelFileError } from "../onnx/session";
import { JobFailure } from "../runner";
import { separateStereo } from "./engine";
import { decodeToStereoScratch, MDX_RATE, scratchSource, wavWriter } from "./io";
import { loadMdxModel, ModelShapeError } from "./model";
import { resolveParams, UnknownModelError, type ResolvedParams } from "./params";

export interface SeparationModelRef extends ResolvedParams {
  file: string;
}

function invalid(err: unknown, file: string): never {
  if (err instanceof UnknownModelError || err instanceof ModelShapeError || err instanceof ModelFileError) {
    throw new JobFailure("separation_model_invalid", err.message, { path: file });
  }
  throw err;
}

/** The configured model file and its parameters (UVR hash, table entry, overrides); JobFailure when missing or unknown. */
export async function separationModelRef(cfg: Config): Promise<SeparationModelRef> {
  const missing = separationModelProblem(cfg);
  if (missing) throw new JobFailure("separation_model_missing", missing.message, { path: missing.path, fix: "npm run assets" });
  const file = cfg.separationModelPath;
  try {
    return { file, ...(await resolveParams(file, cfg.separationModelParams)) };
  } catch (err) {
    invalid(err, file);
  }
}

export type LoadedSeparation = SeparationModelRef & Awaited<ReturnType<typeof loadMdxModel>>;

/** Load the model (one session per device) and log what runs. */
export async function loadSeparation(ref: SeparationModelRef, report: Pick<JobReporter, "log">, deviceId?: number): Promise<LoadedSeparation> {
  let model;
  try {
    model = await loadMdxModel(ref.file, ref.params, { log: (level, m) => report.log(level, m), deviceId });
  } catch (err) {
    invalid(err, ref.file);
  }
  const p = ref.params;
  report.log(
    "info",
    `model ${path.basename(ref.file)} (${ref.source}, UVR hash ${ref.hash}) on ${model.session.provider}: ` +
      `n_fft ${p.nFft}, hop ${p.hop}, dim_f ${p.dimF}, dim_t ${p.dimT}, compensate ${p.compensate}, output ${p.primaryStem}`,
  );
  return { ...ref, ...model };
}

export interface SeparatedFile {
  /** frames of each stem (44.1 kHz) */
  frames: number;
  /** the source's own rate, frames (per channel) and channels */
  sourceRate: number;
  sourceFrames: number;
  channels: number;
  chunks: number;
  /** seconds of audio and seconds it took */
  seconds: number;
  wall: number;
}

/**
 * Separate `input` into `work`/vocals.wav and `work`/accompaniment.wav (the scratch `mix.f32` there is removed
 * before returning). The caller owns `work` (creates it, renames the stems into place, removes it on any end).
 */
export async function separateFileInto(
  input: string,
  work: string,
  sep: LoadedSeparation,
  options: { name: string; signal: AbortSignal; onChunk: (done: number, total: number) => void },
): Promise<SeparatedFile> {
  const scratch = path.join(work, "mix.f32");
  const decoded = await decodeToStereoScratch(input, scratch, options.signal);
  if (decoded.frames === 0) throw new JobFailure("empty_audio", `"${options.name}" decodes to no audio`);
  const source = await scratchSource(scratch, decoded.frames);
  const vocals = await wavWriter(path.join(work, "vocals.wav"), decoded.frames);
  const acc = await wavWriter(path.join(work, "accompaniment.wav"), decoded.frames);
  const started = Date.now();
  let plan;
  try {
    plan = await separateStereo(
      source,
      sep.params,
      sep.run,
      async (v, a) => {
        await vocals.write(v);
        await acc.write(a);
      },
      { signal: options.signal, onChunk: options.onChunk },
    );
  } finally {
    await source.close();
    await vocals.close().catch(() => undefined);
    await acc.close().catch(() => undefined);
  }
  await fs.rm(scratch, { force: true });
  return {
    frames: decoded.frames,
    sourceRate: decoded.sourceRate,
    sourceFrames: decoded.sourceFrames,
    channels: decoded.channels,
    chunks: plan.chunks,
    seconds: decoded.frames / MDX_RATE,
    wall: (Date.now() - started) / 1000,
  };
}
