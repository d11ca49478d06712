/**
 * The rules of vocal isolation (issue 19) that the experiment, job and file code share without importing the job
 * queueing in lib/separation.ts: is the model file there (with the fix when not), which files of an experiment have a
 * separation queued or running (preprocess must not read their mix meanwhile), and which are not separated yet.
 */
import fs from "node:fs";
import { config, type Config } from "./config";
import type { Db } from "./db";
import { ApiError, conflict } from "./errors";
import { paths } from "./paths";

const ACTIVE = ["queued", "running"] as const;

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

type Reader = Pick<Db, "job" | "audioFile">;

/** The files of an experiment with a separate job queued or running: `{fileId, name, jobId, status}` in queue order. */
export async function pendingSeparations(experimentId: string, prisma: Reader, fileId?: string) {
  const jobs = await prisma.job.findMany({
    where: { experimentId, kind: "separate", status: { in: [...ACTIVE] }, ...(fileId ? { params: { path: ["fileId"], equals: fileId } } : {}) },
    select: { id: true, status: true, params: true },
    orderBy: { createdAt: "asc" },
  });
  const ids = jobs.map((j) => (j.params as { fileId?: unknown } | null)?.fileId).filter((id): id is string => typeof id === "string");
  const files = ids.length ? await prisma.audioFile.findMany({ where: { id: { in: ids } }, select: { id: true, originalName: true } }) : [];
  const names = new Map(files.map((f) => [f.id, f.originalName]));
  return jobs.flatMap((j) => {
    const id = (j.params as { fileId?: unknown } | null)?.fileId;
    return typeof id === "string" && names.has(id) ? [{ fileId: id, name: names.get(id)!, jobId: j.id, status: j.status }] : [];
  });
}

/** Pure: "a.wav, b.wav and 3 more". */
export function nameSome(names: string[], max = 3): string {
  const quoted = names.map((n) => `"${n}"`);
  if (quoted.length <= max) return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}` : (quoted[0] ?? "");
  return `${quoted.slice(0, max).join(", ")} and ${quoted.length - max} more`;
}

/**
 * 409 `separation_pending` while any file of the experiment is being separated: preprocess would read those files'
 * mix (their `useVocals` is set only when the separation succeeds). Null when none is.
 */
export async function separationPendingError(experimentId: string, experimentName: string, prisma: Reader): Promise<ApiError | null> {
  const pending = await pendingSeparations(experimentId, prisma);
  if (pending.length === 0) return null;
  return conflict(
    "separation_pending",
    `Cannot preprocess "${experimentName}" while the vocals of ${pending.length === 1 ? "a file are" : `${pending.length} files are`} being isolated (${nameSome(pending.map((p) => p.name))}): ` +
      "preprocess would use their mix. Wait until the separate jobs end (Jobs page), or cancel them to train on the mix",
    { files: pending.map((p) => ({ id: p.fileId, name: p.name, job: p.jobId, status: p.status })) },
  );
}

/**
 * Where each ready file of an experiment stands: `pending` (a separate job queued or running), `stemmed` (its vocal
 * stem is on disk: `useVocals` may be switched) and `todo` (neither: what "Isolate vocals in N files", POST
 * …/separate, queues), file ids in upload order.
 */
export async function separationOverview(experimentId: string, experimentName: string, prisma: Reader) {
  const [files, pending] = await Promise.all([
    prisma.audioFile.findMany({ where: { experimentId, status: "ready" }, select: { id: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    pendingSeparations(experimentId, prisma),
  ]);
  const busy = new Set(pending.map((p) => p.fileId));
  const p = paths();
  const stemmed = files.filter((f) => fs.existsSync(p.stemFile(experimentName, f.id, "vocals"))).map((f) => f.id);
  const has = new Set(stemmed);
  return { pending: [...busy], stemmed, todo: files.filter((f) => !busy.has(f.id) && !has.has(f.id)).map((f) => f.id) };
}

/** The ids of the ready files whose vocals are not isolated yet (no vocal stem, none queued). */
export async function filesToSeparate(experimentId: string, experimentName: string, prisma: Reader): Promise<string[]> {
  return (await separationOverview(experimentId, experimentName, prisma)).todo;
}
