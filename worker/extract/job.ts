/**
 * The `extract` job (rvc-formats §2–3): for every `1_16k_wavs/X.wav`, pitch at 100 frames/s into
 * `2a_f0/X.wav.npy` (coarse, int64) and `2b-f0nsf/X.wav.npy` (Hz, float64), and content features into
 * `3_feature768/X.npy` (float32 [frames, 768]; v1: 3_feature256). Finished files are skipped, every write
 * is atomic. A file that fails is listed with its reason and the job fails (`files_failed`, or `disk_full` at
 * once on a full disk) — an extract that is not complete never reports succeeded; a re-run redoes only those files.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { config } from "../../lib/config";
import { db } from "../../lib/db";
import { removeStaleTemps, writeFileAtomic } from "../../lib/fs-atomic";
import { paths } from "../../lib/paths";
import { queueAnalysis } from "../../lib/dataset/queue";
import { F0_METHODS, type F0Method } from "../../lib/experiment-rules";
import { encodeCoarsePitch, encodeFeatures, encodePitchHz } from "../dsp/npy";
import { f0ToCoarse, yinF0 } from "../dsp/f0";
import { decodeWav, downmix } from "../dsp/wav";
import { isDiskFull, requireFreeSpace } from "../../lib/disk";
import { JobFailure, PermanentJobError, type JobHandler } from "../runner";
import { contentFeatures, contentSession } from "./content";
import { rmvpeF0, rmvpeSession } from "./rmvpe";

async function present(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

/** Bytes extract writes per second of 16 kHz audio: pitch (2 × 8 B × 100 frames) + features (4 B × dim × 50 frames). */
export function extractBytesPerSecond(dim: number): number {
  return 2 * 8 * 100 + 4 * dim * 50;
}

async function requireModel(file: string, variable: string): Promise<void> {
  if (!(await present(file))) {
    throw new PermanentJobError(`${variable}=${file} does not exist: run \`npm run assets\` or point ${variable} at the model file`);
  }
}

export const extract: JobHandler = async ({ job, signal, report, devices }) => {
  if (!job.experimentId) throw new PermanentJobError("extract needs an experiment");
  const experiment = await db().experiment.findUnique({ where: { id: job.experimentId } });
  if (!experiment) throw new PermanentJobError("the experiment was deleted");
  const params = (job.params ?? {}) as { f0Method?: string };
  const method = (params.f0Method ?? experiment.f0Method) as F0Method;
  if (!F0_METHODS.includes(method)) throw new PermanentJobError(`unknown pitch method "${method}"`);
  const version = experiment.version as "v1" | "v2";
  const cfg = config();
  const p = paths();
  const dirs = {
    wav16k: p.experimentSubdir(experiment.name, "wavs16k"),
    f0: p.experimentSubdir(experiment.name, "f0"),
    f0nsf: p.experimentSubdir(experiment.name, "f0nsf"),
    feature: p.featureDir(experiment.name, version),
  };
  const sources = (await fs.readdir(dirs.wav16k).catch(() => [] as string[])).filter((n) => n.endsWith(".wav") && !n.startsWith(".")).sort();
  if (sources.length === 0) throw new PermanentJobError("no preprocessed audio (1_16k_wavs is empty): run preprocess first");

  await requireModel(cfg.hubertPath, "HUBERT_PATH");
  if (method === "rmvpe") await requireModel(cfg.rmvpePath, "RMVPE_PATH");
  const log = (level: "info" | "warn", message: string) => report.log(level, message);
  const deviceId = devices[0]; // the GPU slot it holds, if any
  const content = await contentSession(cfg.hubertPath, { log, deviceId });
  const rmvpe = method === "rmvpe" ? await rmvpeSession(cfg.rmvpePath, { log, deviceId }) : null;
  report.log("info", `pitch: ${method}${rmvpe ? ` on ${rmvpe.provider}` : " (TypeScript, CPU)"}; content model on ${content.provider}`);

  for (const d of [dirs.f0, dirs.f0nsf, dirs.feature]) {
    await fs.mkdir(d, { recursive: true });
    await removeStaleTemps(d);
  }
  // preflight: what the unfinished files will write must fit (float32 16 kHz input: 64,000 B/s), with 10% spare
  let todoSeconds = 0;
  for (const name of sources) {
    const stem = name.slice(0, -".wav".length);
    const done = (await present(path.join(dirs.f0, `${name}.npy`))) && (await present(path.join(dirs.f0nsf, `${name}.npy`))) && (await present(path.join(dirs.feature, `${stem}.npy`)));
    if (!done) todoSeconds += ((await fs.stat(path.join(dirs.wav16k, name)).catch(() => null))?.size ?? 0) / 64000;
  }
  await requireFreeSpace(dirs.feature, todoSeconds * extractBytesPerSecond(version === "v1" ? 256 : 768) * 1.1, "extract");
  // outputs whose 16 kHz source is gone (an upload was removed and preprocess re-run)
  const wanted = new Set(sources);
  for (const [dir, suffix] of [[dirs.f0, ".npy"], [dirs.f0nsf, ".npy"], [dirs.feature, ".npy"]] as const) {
    for (const n of await fs.readdir(dir)) {
      const source = dir === dirs.feature ? n.replace(/\.npy$/, ".wav") : n.replace(/\.npy$/, "");
      if (n.endsWith(suffix) && !wanted.has(source)) await fs.rm(path.join(dir, n), { force: true });
    }
  }

  const failed: { file: string; error: string }[] = [];
  let reused = 0;
  let audioSeconds = 0;
  for (const [i, name] of sources.entries()) {
    if (signal.aborted) throw signal.reason;
    const stem = name.slice(0, -".wav".length);
    const out = {
      f0: path.join(dirs.f0, `${name}.npy`),
      f0nsf: path.join(dirs.f0nsf, `${name}.npy`),
      feature: path.join(dirs.feature, `${stem}.npy`),
    };
    if ((await present(out.f0)) && (await present(out.f0nsf)) && (await present(out.feature))) {
      reused++;
    } else {
      try {
        const wav = decodeWav(await fs.readFile(path.join(dirs.wav16k, name)));
        if (wav.sampleRate !== 16000) throw new Error(`is ${wav.sampleRate} Hz, not 16 kHz: re-run preprocess`);
        const audio = downmix(wav.channels, wav.channelMask);
        audioSeconds += audio.length / 16000;
        const hz = rmvpe ? await rmvpeF0(rmvpe, audio, { signal }) : yinF0(audio);
        const feats = await contentFeatures(content, audio, { version, signal });
        await writeFileAtomic(out.feature, encodeFeatures(feats.data, feats.dim));
        await writeFileAtomic(out.f0nsf, encodePitchHz(hz));
        await writeFileAtomic(out.f0, encodeCoarsePitch(f0ToCoarse(hz)));
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        await Promise.all(Object.values(out).map((f) => fs.rm(f, { force: true })));
        failed.push({ file: name, error: (err as Error).message });
        report.log("error", `${name}: ${(err as Error).message}`);
        if (isDiskFull(err)) {
          // every further write would fail the same way: stop and say so
          throw new JobFailure("disk_full", "the disk is full", { failed, notAttempted: sources.length - i - 1 }, err);
        }
      }
    }
    report.progress(i + 1, sources.length, `extract (${method})`, "files");
  }
  if (failed.length) {
    throw new JobFailure(
      "files_failed",
      `${failed.length} of ${sources.length} file(s) failed (first: ${failed[0]!.file}: ${failed[0]!.error}); the others are kept, run extract again to redo only these`,
      { failed },
    );
  }
  await db().experiment.update({ where: { id: experiment.id }, data: { status: "extracted" } });
  // the dataset doctor's pitch statistics of every slice (recomputed: the pitch method may have changed)
  await queueAnalysis(experiment.name, { pitch: true }, report);
  return { files: sources.length, reused, failed, audioSeconds: Math.round(audioSeconds * 10) / 10, f0Method: method };
};
