/**
 * The `separate` job: isolate the vocals of one uploaded file with the MDX-Net model (SEPARATION_MODEL_PATH) →
 * `{UPLOADS_DIR}/{exp}/stems/{fileId}/vocals.wav` and `accompaniment.wav` (float32 stereo 44.1 kHz, the two summing
 * to the mix). The upload is never written. Memory stays flat in the song's length: the upload is decoded once into
 * a float32 scratch file, then read back chunk by chunk (worker/separate/engine.ts) while both stems are written.
 * Progress per chunk; a cancel is honoured between chunks. Both stems are written under temporary names and renamed
 * into place only when complete; then `AudioFile.useVocals` is set (preprocess reads the vocal stem from then on).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { config } from "../../lib/config";
import { db } from "../../lib/db";
import { requireFreeSpace } from "../../lib/disk";
import { paths } from "../../lib/paths";
import { separationModelProblem } from "../../lib/separation-rules";
import { ModelFileError } from "../onnx/session";
import { JobFailure, PermanentJobError, type JobHandler } from "../runner";
import { separateStereo } from "./engine";
import { decodeToStereoScratch, MDX_RATE, scratchSource, wavWriter } from "./io";
import { loadMdxModel, ModelShapeError } from "./model";
import { resolveParams, UnknownModelError } from "./params";

export const separate: JobHandler = async ({ job, signal, report, devices }) => {
  const fileId = (job.params as { fileId?: string }).fileId;
  const file = fileId
    ? await db().audioFile.findUnique({ where: { id: fileId }, include: { experiment: { select: { name: true } } } })
    : null;
  if (!file) throw new PermanentJobError("the file was removed");
  const exp = file.experiment.name;
  const cfg = config();
  const p = paths();
  const missing = separationModelProblem(cfg);
  if (missing) throw new JobFailure("separation_model_missing", missing.message, { path: missing.path, fix: "npm run assets" });

  report.progress(0, 1, "loading model");
  const modelPath = cfg.separationModelPath;
  let resolved;
  let model;
  try {
    resolved = await resolveParams(modelPath, cfg.separationModelParams);
    model = await loadMdxModel(modelPath, resolved.params, { log: (level, m) => report.log(level, m), deviceId: devices[0] });
  } catch (err) {
    if (err instanceof UnknownModelError || err instanceof ModelShapeError || err instanceof ModelFileError) {
      throw new JobFailure("separation_model_invalid", err.message, { path: modelPath });
    }
    throw err;
  }
  const { params } = resolved;
  report.log(
    "info",
    `model ${path.basename(modelPath)} (${resolved.source}, UVR hash ${resolved.hash}) on ${model.session.provider}: ` +
      `n_fft ${params.nFft}, hop ${params.hop}, dim_f ${params.dimF}, dim_t ${params.dimT}, compensate ${params.compensate}, output ${params.primaryStem}`,
  );

  const upload = p.uploadFile(exp, file.storedName);
  const dir = p.stemsDir(exp, file.id);
  const work = path.join(dir, `.work-${job.id}`);
  // work folders of earlier attempts (a worker that died mid-run): one separate job per file runs at a time
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith(".work-")) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
  await fs.mkdir(p.assertWritable(work), { recursive: true });
  // scratch (8 B/frame) + two float32 stereo stems (8 B/frame each), 10 % spare
  if (file.durationSec) await requireFreeSpace(dir, file.durationSec * MDX_RATE * 8 * 3 * 1.1, "this separation");
  try {
    report.progress(0, 1, "decoding");
    const scratch = path.join(work, "mix.f32");
    const decoded = await decodeToStereoScratch(upload, scratch, signal);
    if (decoded.frames === 0) throw new JobFailure("empty_audio", `"${file.originalName}" decodes to no audio`);
    const source = await scratchSource(scratch, decoded.frames);
    const vocalsTmp = path.join(work, "vocals.wav");
    const accTmp = path.join(work, "accompaniment.wav");
    const vocals = await wavWriter(vocalsTmp, decoded.frames);
    const acc = await wavWriter(accTmp, decoded.frames);
    const started = Date.now();
    let plan;
    try {
      plan = await separateStereo(
        source,
        params,
        model.run,
        async (v, a) => {
          await vocals.write(v);
          await acc.write(a);
        },
        { signal, onChunk: (done, total) => report.progress(done, total, "separating", "chunks") },
      );
    } finally {
      await source.close();
      await vocals.close().catch(() => undefined);
      await acc.close().catch(() => undefined);
    }
    const seconds = decoded.frames / MDX_RATE;
    const wall = (Date.now() - started) / 1000;
    // both complete: into place (a stem from an earlier run is replaced), then the flag
    await fs.rename(vocalsTmp, p.stemFile(exp, file.id, "vocals"));
    await fs.rename(accTmp, p.stemFile(exp, file.id, "accompaniment"));
    await db().audioFile.update({ where: { id: file.id }, data: { useVocals: true } });
    report.log("info", `separated ${seconds.toFixed(1)} s in ${plan.chunks} chunk(s), ${wall.toFixed(1)} s (real-time factor ${(wall / seconds).toFixed(3)})`);
    report.metric({ separateSeconds: seconds, separateWallSeconds: wall, chunks: plan.chunks });
    return {
      fileId: file.id,
      stems: ["vocals", "accompaniment"],
      seconds,
      chunks: plan.chunks,
      sourceRate: decoded.sourceRate,
      sourceChannels: decoded.channels,
      model: { file: path.basename(modelPath), params: resolved.source, uvrHash: resolved.hash, provider: model.session.provider },
      realTimeFactor: wall / seconds,
    };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
};
