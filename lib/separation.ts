/**
 * Vocal isolation of uploaded files (issue 19): queue the `separate` job (worker/separate/job.ts) and serve its stems.
 * The stems live beside the uploads (`{UPLOADS_DIR}/{exp}/stems/{fileId}/vocals.wav|accompaniment.wav`, float32
 * stereo 44.1 kHz); the upload itself is never changed. A successful job sets `AudioFile.useVocals`, which makes
 * preprocess read the vocal stem instead of the upload (the seam the dataset doctor's analysis can read too).
 */
import fs from "node:fs";
import path from "node:path";
import { assertMayChange } from "./auth/ownership";
import { config, type Config } from "./config";
import { db, type Db, type Job } from "./db";
import { ApiError, conflict, notFound } from "./errors";
import { checkName } from "./experiment-rules";
import { isUuid } from "./ids";
import { enqueueJob } from "./jobs";
import { paths } from "./paths";

export const STEMS = ["vocals", "accompaniment"] as const;
export type Stem = (typeof STEMS)[number];

/** What is missing for separation to run (the model file), with the fix; null when the model file is there. */
export function separationModelProblem(cfg: Config = config()): { path: string; message: string } | null {
  const file = cfg.separationModelPath;
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isFile() && st.size > 0) return null;
  return {
    path: file,
    message:
      `The vocal separation model is missing: ${file} (SEPARATION_MODEL_PATH) ${st ? "is not a non-empty file" : "does not exist"}. ` +
      "Run `npm run assets` (it fetches UVR-MDX-NET-Voc_FT; `-- --separation Kim_Vocal_2` for another) or set SEPARATION_MODEL_PATH to an MDX-Net ONNX model",
  };
}

/** 503 `separation_model_missing`, naming the file and the command that fetches it. */
export function separationModelMissing(cfg: Config = config()): ApiError | null {
  const p = separationModelProblem(cfg);
  return p ? new ApiError(503, "separation_model_missing", p.message, { path: p.path, variable: "SEPARATION_MODEL_PATH", fix: "npm run assets" }) : null;
}

const noFile = (id: string) => notFound("file_not_found", `No file ${JSON.stringify(id)} in this experiment`, { id });

/** Queue the separation of one uploaded file (member; the file's uploader, the experiment's creator or an admin). */
export async function queueSeparation(name: string, id: string, prisma: Db = db()): Promise<Job> {
  checkName(name);
  if (!isUuid(id)) throw noFile(id);
  const f = await prisma.audioFile.findFirst({
    where: { id, experiment: { name } },
    select: { id: true, originalName: true, status: true, createdById: true, experiment: { select: { createdById: true } } },
  });
  if (!f) throw noFile(id);
  await assertMayChange({ what: `file "${f.originalName}"`, createdById: f.createdById, alsoOwnedBy: [f.experiment.createdById] }, "separate", prisma);
  if (f.status !== "ready") throw conflict("file_not_ready", `"${f.originalName}" was rejected at upload; only ready files can be separated`, { id });
  const missing = separationModelMissing();
  if (missing) throw missing;
  return enqueueJob({ kind: "separate", experimentName: name, params: { fileId: id } }, prisma);
}

/** A stem of a file for playback (404 `stem_not_found` before a separation succeeded). */
export async function stemForPlayback(name: string, id: string, stem: Stem, prisma: Db = db()) {
  checkName(name);
  if (!isUuid(id)) throw noFile(id);
  const f = await prisma.audioFile.findFirst({ where: { id, experiment: { name } }, select: { originalName: true } });
  if (!f) throw noFile(id);
  const file = paths().stemFile(name, id, stem);
  if (!fs.existsSync(file)) throw notFound("stem_not_found", `"${f.originalName}" has no ${stem} stem yet: separate it first (POST …/files/{id}/separate)`, { id, stem });
  const base = path.parse(f.originalName).name;
  return { path: file, type: "audio/wav", name: `${base} (${stem}).wav` };
}
