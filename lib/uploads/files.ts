/** An experiment's uploaded files: list (with the dataset card), one file for playback, delete. */
import fs from "node:fs/promises";
import { db, type Db } from "../db";
import { notFound } from "../errors";
import { checkName } from "../experiment-rules";
import { isUuid } from "../ids";
import { paths } from "../paths";
import { lockIdleExperiment } from "../experiments";
import { assertMayChange } from "../auth/ownership";
import { audioFileJson } from "./ingest";
import { cardOf } from "./card";

const noExperiment = (name: string) => notFound("experiment_not_found", `No experiment named "${name}"`, { name });
const noFile = (id: string) => notFound("file_not_found", `No file ${JSON.stringify(id)} in this experiment`, { id });

export async function listFiles(name: string, prisma: Db = db()) {
  const exp = await prisma.experiment.findUnique({
    where: { name: checkName(name) },
    include: { files: { orderBy: [{ createdAt: "asc" }, { originalName: "asc" }] } },
  });
  if (!exp) throw noExperiment(name);
  const files = exp.files.map(audioFileJson);
  const ready = files.filter((f) => f.status === "ready");
  const excludedSlices = await prisma.datasetSlice.count({ where: { excluded: true, audioFile: { experimentId: exp.id, excluded: false, status: "ready" } } });
  return { files, card: cardOf(ready, excludedSlices) };
}


/** The stored file for playback; the path comes from lib/paths, never from the user's name. */
export async function fileForPlayback(name: string, id: string, prisma: Db = db()) {
  checkName(name);
  if (!isUuid(id)) throw noFile(id);
  const f = await prisma.audioFile.findFirst({ where: { id, experiment: { name } } });
  if (!f) throw noFile(id);
  return { file: f, path: paths().uploadFile(name, f.storedName) };
}

/** Delete one file (row, then its stored copy); refused while a job of the experiment is queued or running. */
export async function deleteFile(name: string, id: string, prisma: Db = db()): Promise<void> {
  checkName(name);
  if (!isUuid(id)) throw noFile(id);
  const storedName = await prisma.$transaction(async (tx) => {
    const expId = await lockIdleExperiment(tx, name, `remove files of "${name}"`, async (tx, expId) => {
      // the uploader, the experiment's creator, or an admin
      const f = await tx.audioFile.findFirst({ where: { id, experimentId: expId }, select: { originalName: true, createdById: true, experiment: { select: { createdById: true } } } });
      if (!f) throw noFile(id);
      await assertMayChange({ what: `file "${f.originalName}"`, createdById: f.createdById, alsoOwnedBy: [f.experiment.createdById] }, "remove", tx);
    });
    const f = await tx.audioFile.findFirst({ where: { id, experimentId: expId }, select: { storedName: true } });
    if (!f) throw noFile(id);
    await tx.audioFile.delete({ where: { id } });
    return f.storedName;
  });
  await fs.rm(paths().uploadFile(name, storedName), { force: true });
  await fs.rm(paths().stemsDir(name, id), { recursive: true, force: true });
}
