/**
 * Import an existing RVC model (`.pth` small model + optional `.index`): quick checks of the files, then the
 * trainer's `inspect` proves the .pth really is an RVC small model before anything is accepted; the files go to
 * MODELS_ROOT/{name}/ and an `export` job adds the ONNX file. A refused import leaves nothing behind. The files arrive
 * staged on disk by lib/multipart.ts and are moved, never read whole into memory.
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
import { modelCreated } from "./webhooks/sources";
import { looksLikeTorchCheckpoint } from "./pretrained";
import { moveFile, type MultipartRules, type StagedFile } from "./multipart";
import { runTrainerCommand, trainerFailure } from "./trainer-cli";

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

/** The rules of the import form: `pth` (required) and `index` files, a `name`; names checked before any content. */
export function importFormRules(): MultipartRules {
  const max = config().maxUploadBytes;
  return {
    files: {
      pth: { maxBytes: max, required: true, missing: 'send the model as form field "pth"', checkName: (n) => checkExtension(n, /\.pth$/i, "a .pth file", "pth") },
      index: { maxBytes: max, required: false, missing: "", checkName: (n) => checkExtension(n, /\.index$/i, "an .index file", "index") },
    },
    fields: ["name"],
    tooLarge: ({ field, limit }) => fail(413, "upload_too_large", `${field ? `"${field}" is` : "the request is"} larger than MAX_UPLOAD_BYTES (${limit} bytes)`, field ?? "pth"),
  };
}

function checkExtension(fileName: string, pattern: RegExp, what: string, field: string): void {
  if (!pattern.test(fileName)) throw fail(415, "unsupported_type", `"${fileName}" is not ${what}`, field);
}

/** Import from staged files (lib/multipart.ts): checks, `trainer inspect`, then the model folder, row and export job. */
export async function importModel(input: { pth: StagedFile; index?: StagedFile | null; name?: string | null }, prisma: Db = db()) {
  const name = input.name?.trim() || modelNameFrom(input.pth.name);
  if (!EXPERIMENT_NAME_PATTERN.test(name)) throw badRequest("invalid_name", `Invalid model name ${JSON.stringify(name)}: use ${EXPERIMENT_NAME_RULE}`, { field: "name" });
  if (await prisma.voiceModel.findUnique({ where: { name } })) throw conflict("model_exists", `A model named "${name}" already exists; choose another name`, { name });
  const max = config().maxUploadBytes;
  checkExtension(input.pth.name, /\.pth$/i, "a .pth file", "pth");
  if (input.pth.bytes === 0) throw fail(422, "empty_file", `"${input.pth.name}" is empty`, "pth");
  if (input.pth.bytes > max || (input.index?.bytes ?? 0) > max) throw fail(413, "upload_too_large", "a file is larger than MAX_UPLOAD_BYTES", "pth");
  if (!looksLikeTorchCheckpoint(input.pth.head.subarray(0, 8))) {
    throw fail(422, "not_an_rvc_model", `"${input.pth.name}" is not a PyTorch file, so not an RVC model`, "pth");
  }
  const index = input.index ?? null;
  if (index) {
    checkExtension(index.name, /\.index$/i, "an .index file", "index");
    if (!looksLikeFaissIndex(index.head.subarray(0, 4))) throw fail(422, "not_a_faiss_index", `"${index.name}" is not a FAISS index`, "index");
  }

  const staging = paths().importDir(randomBytes(6).toString("hex"));
  await fs.mkdir(staging, { recursive: true });
  try {
    const pthPath = path.join(staging, `${name}.pth`);
    await moveFile(input.pth.path, pthPath);
    const run = await runTrainerCommand(["inspect", "--small-model", pthPath]);
    const model = run.events.find((e) => e.type === "model") as { sr: number | null; f0: boolean; version: string; info: string } | undefined;
    if (run.code !== 0 || !model) {
      const why = trainerFailure(run);
      throw fail(422, "not_an_rvc_model", `"${input.pth.name}" is not an RVC model: ${why.replace(pthPath, input.pth.name)}`, "pth");
    }
    if (![32000, 40000, 48000].includes(model.sr ?? 0)) throw fail(422, "not_an_rvc_model", `"${input.pth.name}" has an unsupported sample rate (${model.sr})`, "pth");
    const files: ModelFile[] = [{ kind: "pth", name: `${name}.pth`, bytes: input.pth.bytes }];
    if (index) {
      const indexName = index.name.replace(/[^A-Za-z0-9._-]+/g, "_");
      await moveFile(index.path, path.join(staging, indexName));
      files.push({ kind: "index", name: indexName, bytes: index.bytes });
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
    await modelCreated(row.id, prisma);
    return { model: toApiModel({ ...row, experiment: null }), job: { id: job.id, kind: job.kind, status: job.status } };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
