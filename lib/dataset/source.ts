/**
 * What an upload contributes to training (issue 19): its vocal stem when the file is set to use its vocals and the
 * stem is there, else the upload itself. Preprocess slices it and the dataset doctor measures it, so the analysis
 * describes what trains. `key` changes with the choice (preprocess.json's source key), so chunks made from the mix
 * are redone when a file switches to its vocals and back.
 */
import fs from "node:fs/promises";
import { db, Prisma, type Db } from "../db";
import { paths } from "../paths";
import { queueAnalysis } from "./queue";

export interface TrainingSource {
  file: string;
  key: string;
  vocals: boolean;
  /** the file is set to use its vocals but the stem is gone (the upload is used; separate it again) */
  stemMissing: boolean;
}

export async function trainingSource(
  experimentName: string,
  f: { id: string; storedName: string; sha256: string; useVocals: boolean },
): Promise<TrainingSource> {
  const p = paths();
  const stem = f.useVocals ? p.stemFile(experimentName, f.id, "vocals") : null;
  const vocals = stem !== null && (await fs.stat(stem).then((st) => st.isFile(), () => false));
  return {
    file: vocals ? stem : p.uploadFile(experimentName, f.storedName),
    key: vocals ? `${f.sha256}+vocals` : f.sha256,
    vocals,
    stemMissing: stem !== null && !vocals,
  };
}

/**
 * Switch a file between its upload and its vocal stem: the stored analysis measured the other one, so it is cleared
 * and the dataset doctor queued to measure what trains now (best effort, as every analysis). Returns the row.
 */
export async function setUseVocals(experimentName: string, fileId: string, useVocals: boolean, prisma: Db = db()) {
  const before = await prisma.audioFile.findUnique({ where: { id: fileId }, select: { useVocals: true } });
  const changed = before !== null && before.useVocals !== useVocals;
  const row = await prisma.audioFile.update({ where: { id: fileId }, data: changed ? { useVocals, analysis: Prisma.DbNull } : { useVocals } });
  if (changed) await queueAnalysis(experimentName, {}, undefined, prisma);
  return row;
}
