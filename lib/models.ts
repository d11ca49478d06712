/** Finished voice models (VoiceModel rows + MODELS_ROOT/{name}/): list, get, download, delete. */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import yazl from "yazl";
import { db, type Db, type VoiceModel } from "./db";
import { badRequest, conflict, notFound } from "./errors";
import { isUuid } from "./ids";
import { paths } from "./paths";
import { ACTIVE_JOB_STATUSES } from "./experiments";
import { assertMayChange } from "./auth/ownership";
import { DOWNLOADS } from "./api/common";

export interface ModelFile {
  kind: "pth" | "onnx" | "index" | "card";
  name: string;
  bytes: number;
}

export { DOWNLOADS };
export type Download = (typeof DOWNLOADS)[number];

export function toApiModel(m: VoiceModel & { experiment?: { name: string } | null }) {
  return {
    id: m.id,
    name: m.name,
    experiment: m.experiment?.name ?? null,
    sampleRate: m.sampleRate,
    version: m.version,
    f0: m.f0,
    epochs: m.epochs,
    datasetSeconds: m.datasetSeconds,
    files: m.files as unknown as ModelFile[],
    sizeBytes: m.sizeBytes,
    source: m.source,
    createdAt: m.createdAt,
  };
}

/**
 * A trained model is published under its experiment's name and may replace only that experiment's own earlier
 * model (retraining updates it in place). Any other model of that name — imported, or another (deleted)
 * experiment's — is never replaced: the training is refused with this message.
 */
export async function modelNameConflict(name: string, experimentId: string, prisma: Db = db()): Promise<string | null> {
  const m = await prisma.voiceModel.findUnique({ where: { name }, include: { experiment: { select: { name: true } } } });
  if (!m || m.experimentId === experimentId) return null;
  const whose = m.source === "imported" ? "an imported model" : m.experiment ? `the model of experiment "${m.experiment.name}"` : "a model whose experiment was deleted";
  return `A model named "${name}" already exists (${whose}), and training "${name}" would replace it: rename this experiment (its model takes the experiment's name) or delete that model first`;
}

export async function listModels(prisma: Db = db()) {
  const rows = await prisma.voiceModel.findMany({ orderBy: { createdAt: "desc" }, include: { experiment: { select: { name: true } } } });
  return rows.map(toApiModel);
}

async function findModel(id: string, prisma: Db) {
  const m = isUuid(id) ? await prisma.voiceModel.findUnique({ where: { id }, include: { experiment: { select: { name: true } } } }) : null;
  if (!m) throw notFound("model_not_found", `No model with id "${id}"`, { id });
  return m;
}

export async function getModel(id: string, prisma: Db = db()) {
  return toApiModel(await findModel(id, prisma));
}

function fileOf(m: VoiceModel, kind: ModelFile["kind"]): ModelFile | undefined {
  return (m.files as unknown as ModelFile[]).find((f) => f.kind === kind);
}

/** A download: one model file, or a zip of the .pth, .index, .onnx and model.json. */
export async function modelDownload(id: string, which: string | null, prisma: Db = db()): Promise<{ name: string; type: string; body: ReadableStream; bytes?: number }> {
  const choice = (which ?? "pth") as Download;
  if (!DOWNLOADS.includes(choice)) throw badRequest("invalid_file", `file must be one of ${DOWNLOADS.join(", ")}`, { field: "file" });
  const m = await findModel(id, prisma);
  const dir = paths().modelDir(m.name);
  if (choice !== "zip") {
    const f = fileOf(m, choice);
    if (!f) throw notFound("model_file_missing", `Model "${m.name}" has no .${choice} file`, { file: choice });
    const file = paths().modelFile(m.name, f.name);
    const st = await fsp.stat(file).catch(() => null);
    if (!st) throw notFound("model_file_missing", `The .${choice} file of model "${m.name}" is missing on disk (${f.name})`, { file: choice });
    return { name: f.name, type: "application/octet-stream", bytes: st.size, body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream };
  }
  const zip = new yazl.ZipFile();
  for (const f of m.files as unknown as ModelFile[]) {
    const file = path.join(dir, f.name);
    if (fs.existsSync(file)) zip.addFile(file, `${m.name}/${f.name}`, { compress: f.kind === "card" });
  }
  zip.end();
  return { name: `${m.name}.zip`, type: "application/zip", body: Readable.toWeb(zip.outputStream as Readable) as ReadableStream };
}

/** Delete a model's files and row; refused while a conversion with it is queued or running. */
export async function deleteModel(id: string, prisma: Db = db()): Promise<void> {
  const m = await findModel(id, prisma);
  await assertMayChange({ what: `model "${m.name}"`, createdById: m.createdById }, "delete", prisma);
  const busy = await prisma.job.findFirst({
    where: { kind: { in: ["convert", "cover"] }, status: { in: [...ACTIVE_JOB_STATUSES] }, params: { path: ["modelId"], equals: m.id } },
    select: { id: true, status: true },
  });
  if (busy) throw conflict("model_busy", `Model "${m.name}" is used by a conversion that is ${busy.status}; wait for it or cancel it`, { job: busy });
  await prisma.voiceModel.delete({ where: { id: m.id } });
  await fsp.rm(paths().modelDir(m.name), { recursive: true, force: true });
}
