/**
 * Vocal isolation of uploaded files (issue 19): queue the `separate` job (worker/separate/job.ts) and serve its stems.
 * The stems live beside the uploads (`{UPLOADS_DIR}/{exp}/stems/{fileId}/vocals.wav|accompaniment.wav`, float32
 * stereo 44.1 kHz); the upload itself is never changed. A successful job sets `AudioFile.useVocals`, which makes
 * preprocess read the vocal stem instead of the upload (the seam the dataset doctor's analysis can read too).
 */
import fs from "node:fs";
import path from "node:path";
import { assertMayChange } from "./auth/ownership";
import { db, type Db, type Job } from "./db";
import { conflict, notFound } from "./errors";
import { checkName } from "./experiment-rules";
import { isUuid } from "./ids";
import { enqueueJob } from "./jobs";
import { paths } from "./paths";
import { filesToSeparate, separationModelMissing } from "./separation-rules";

export const STEMS = ["vocals", "accompaniment"] as const;
export type Stem = (typeof STEMS)[number];

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

/**
 * "Isolate vocals in N files": queue the separation of every ready file of the experiment not separated yet (no vocal
 * stem, none queued). The experiment's creator or an admin (a bulk change of what trains). Returns the jobs queued
 * (none when every file is separated or queued already).
 */
export async function queueExperimentSeparations(name: string, prisma: Db = db()): Promise<Job[]> {
  checkName(name);
  const exp = await prisma.experiment.findUnique({ where: { name }, select: { id: true, createdById: true } });
  if (!exp) throw notFound("experiment_not_found", `No experiment named "${name}"`, { name });
  await assertMayChange({ what: `experiment "${name}"`, createdById: exp.createdById }, "change", prisma);
  const missing = separationModelMissing();
  if (missing) throw missing;
  const jobs: Job[] = [];
  for (const fileId of await filesToSeparate(exp.id, name, prisma)) jobs.push(await enqueueJob({ kind: "separate", experimentName: name, params: { fileId } }, prisma));
  return jobs;
}

/**
 * After an upload: with the experiment's "isolate vocals" on, queue the separation of each new ready file. Queued
 * even when the model has gone missing since the switch was turned on (the job then fails naming the file and the
 * fix, on the Jobs page), so that a file is never left on its mix without a trace. A failure to queue is logged and
 * never fails the upload (the file list offers "Isolate vocals" for it).
 */
export async function separateNewUploads(experimentId: string, files: { id: string; status: string }[], prisma: Db = db()): Promise<Job[]> {
  const exp = await prisma.experiment.findUnique({ where: { id: experimentId }, select: { name: true, isolateVocals: true } }).catch(() => null);
  if (!exp?.isolateVocals) return [];
  const jobs: Job[] = [];
  for (const f of files.filter((x) => x.status === "ready")) {
    try {
      jobs.push(await enqueueJob({ kind: "separate", experimentName: exp.name, params: { fileId: f.id } }, prisma));
    } catch (err) {
      console.warn(`[separate] ${exp.name}: could not queue the separation of file ${f.id}: ${(err as Error).message}`);
    }
  }
  return jobs;
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
