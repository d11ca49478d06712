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
import { setUseVocals } from "../../lib/dataset/source";
import { PermanentJobError, type JobHandler } from "../runner";
import { MDX_RATE } from "./io";
import { loadSeparation, separateFileInto, separationModelRef } from "./run";

export const separate: JobHandler = async ({ job, signal, report, devices }) => {
  const fileId = (job.params as { fileId?: string }).fileId;
  const file = fileId
    ? await db().audioFile.findUnique({ where: { id: fileId }, include: { experiment: { select: { name: true } } } })
    : null;
  if (!file) throw new PermanentJobError("the file was removed");
  const exp = file.experiment.name;
  const p = paths();
  const ref = await separationModelRef(config());

  report.progress(0, 1, "loading model");
  const model = await loadSeparation(ref, report, devices[0]);

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
    const done = await separateFileInto(upload, work, model, {
      name: file.originalName,
      signal,
      onChunk: (n, total) => report.progress(n, total, "separating", "chunks"),
    });
    const { seconds, wall, chunks } = done;
    // both complete: into place (a stem from an earlier run is replaced), then the flag
    await fs.rename(path.join(work, "vocals.wav"), p.stemFile(exp, file.id, "vocals"));
    await fs.rename(path.join(work, "accompaniment.wav"), p.stemFile(exp, file.id, "accompaniment"));
    await setUseVocals(exp, file.id, true);
    report.log("info", `separated ${seconds.toFixed(1)} s in ${chunks} chunk(s), ${wall.toFixed(1)} s (real-time factor ${(wall / seconds).toFixed(3)})`);
    report.metric({ separateSeconds: seconds, separateWallSeconds: wall, chunks });
    return {
      fileId: file.id,
      stems: ["vocals", "accompaniment"],
      seconds,
      chunks,
      sourceRate: done.sourceRate,
      sourceChannels: done.channels,
      model: { file: path.basename(ref.file), params: ref.source, uvrHash: ref.hash, provider: model.session.provider },
      realTimeFactor: wall / seconds,
    };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
};
