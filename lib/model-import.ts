/**
 * Import an existing RVC model (`.pth` small model + optional `.index`): quick checks of the files, then the
 * trainer's `inspect` proves the .pth really is an RVC small model before anything is accepted; the files go to
 * MODELS_ROOT/{name}/ and an `export` job adds the ONNX file. A refused import leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import { currentUserId } from "./auth/context";
import fs from "node:fs/promises";
import path from "node:path";
import { config } from "./config";
import { db, type Db } from "./db";
import { ApiError, badRequest, conflict } from "./errors";
import { EXPERIMENT_NAME_PATTERN, EXPERIMENT_NAME_RULE } from "./experiment-rules";
import { enqueueJob } from "./jobs";
import { toApiModel, type ModelFile } from "./models";
import { paths } from "./paths";
import { looksLikeTorchCheckpoint } from "./pretrained";
import { runTrainerCommand } from "./trainer-cli";

/** FAISS writes a four-character code first; every index type's code starts with "I" (IVF-Flat: "IwFl"). */
export function looksLikeFaissIndex(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x49 && [1, 2, 3].every((i) => head[i]! >= 0x30 && head[i]! <= 0x7a);
}

export function modelNameFrom(fileName: string): string {
  return path.basename(fileName).replace(/\.pth$/i, "").toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^[-_]+/, "").slice(0, 64) || "model";
}

function fail(status: number, code: string, message: string, field: string): ApiError {
  return new ApiError(status, code, message, { field });
}

export async function importModel(input: { pth: File; index?: File | null; name?: string | null }, prisma: Db = db()) {
  const name = input.name?.trim() || modelNameFrom(input.pth.name);
  if (!EXPERIMENT_NAME_PATTERN.test(name)) throw badRequest("invalid_name", `Invalid model name ${JSON.stringify(name)}: use ${EXPERIMENT_NAME_RULE}`, { field: "name" });
  if (await prisma.voiceModel.findUnique({ where: { name } })) throw conflict("model_exists", `A model named "${name}" already exists; choose another name`, { name });
  const max = config().maxUploadBytes;
  if (!/\.pth$/i.test(input.pth.name)) throw fail(415, "unsupported_type", `"${input.pth.name}" is not a .pth file`, "pth");
  if (input.pth.size === 0) throw fail(422, "empty_file", `"${input.pth.name}" is empty`, "pth");
  if (input.pth.size > max || (input.index?.size ?? 0) > max) throw fail(413, "upload_too_large", "a file is larger than MAX_UPLOAD_BYTES", "pth");
  const pth = new Uint8Array(await input.pth.arrayBuffer());
  if (!looksLikeTorchCheckpoint(pth.subarray(0, 8))) {
    throw fail(422, "not_an_rvc_model", `"${input.pth.name}" is not a PyTorch file, so not an RVC model`, "pth");
  }
  let index: Uint8Array | null = null;
  if (input.index) {
    if (!/\.index$/i.test(input.index.name)) throw fail(415, "unsupported_type", `"${input.index.name}" is not an .index file`, "index");
    index = new Uint8Array(await input.index.arrayBuffer());
    if (!looksLikeFaissIndex(index.subarray(0, 4))) throw fail(422, "not_a_faiss_index", `"${input.index.name}" is not a FAISS index`, "index");
  }

  const staging = paths().importDir(randomBytes(6).toString("hex"));
  await fs.mkdir(staging, { recursive: true });
  try {
    const pthPath = path.join(staging, `${name}.pth`);
    await fs.writeFile(pthPath, pth);
    const run = await runTrainerCommand(["inspect", "--small-model", pthPath]);
    const model = run.events.find((e) => e.type === "model") as { sr: number | null; f0: boolean; version: string; info: string } | undefined;
    if (run.code !== 0 || !model) {
      const why = (run.events.find((e) => e.type === "error")?.message as string | undefined) ?? run.stderr.trim().split("\n").pop() ?? `exit ${run.code}`;
      throw fail(422, "not_an_rvc_model", `"${input.pth.name}" is not an RVC model: ${why.replace(pthPath, input.pth.name)}`, "pth");
    }
    if (![32000, 40000, 48000].includes(model.sr ?? 0)) throw fail(422, "not_an_rvc_model", `"${input.pth.name}" has an unsupported sample rate (${model.sr})`, "pth");
    const files: ModelFile[] = [{ kind: "pth", name: `${name}.pth`, bytes: pth.length }];
    if (index) {
      const indexName = input.index!.name.replace(/[^A-Za-z0-9._-]+/g, "_");
      await fs.writeFile(path.join(staging, indexName), index);
      files.push({ kind: "index", name: indexName, bytes: index.length });
    }
    const epochs = /(\d+)\s*epoch/i.exec(model.info)?.[1];
    const card = { name, source: "imported", sampleRate: model.sr, version: model.version, f0: model.f0, epochs: epochs ? Number(epochs) : null, info: model.info, files, importedAt: new Date().toISOString() };
    const cardText = JSON.stringify(card, null, 2) + "\n";
    await fs.writeFile(path.join(staging, "model.json"), cardText);
    files.push({ kind: "card", name: "model.json", bytes: Buffer.byteLength(cardText) });

    const dir = paths().modelDir(name);
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await fs.rename(staging, dir);
    let row;
    try {
      row = await prisma.voiceModel.create({
        data: { name, createdById: currentUserId(), sampleRate: model.sr!, version: model.version, f0: model.f0, epochs: card.epochs, files: files as unknown as object, sizeBytes: BigInt(files.reduce((s, f) => s + f.bytes, 0)), source: "imported" },
      });
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      throw err;
    }
    const job = await enqueueJob({ kind: "export", params: { modelId: row.id } }, prisma);
    return { model: toApiModel({ ...row, experiment: null }), job: { id: job.id, kind: job.kind, status: job.status } };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
