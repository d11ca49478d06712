/**
 * The events the app emits, each from one place:
 * - `job.succeeded|failed|cancelled`: `jobFinished`, called wherever a Job row reaches a final status (the worker's
 *   runner, cancel of a queued job, the reaper giving up); a succeeded `convert` job also emits `conversion.succeeded`
 * - `model.created`: `modelCreated`, when a training publishes a new model or a model is imported
 * Emitting never fails the caller: errors are logged (emitSafely).
 */
import type { Db } from "../db";
import { db } from "../db";
import { toApiConversion } from "../conversions";
import { toApiModel } from "../models";
import { emitEvent, emitSafely } from "./emit";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);

/** The job as a webhook carries it. */
function jobData(j: {
  id: string;
  kind: string;
  status: string;
  experimentId: string | null;
  experiment: { name: string } | null;
  params: unknown;
  result: unknown;
  error: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}) {
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    experiment: j.experiment?.name ?? null,
    experimentId: j.experimentId,
    params: j.params,
    result: j.result,
    error: j.error,
    attempts: j.attempts,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
  };
}

/**
 * Kinds whose jobs send no job.* events: the dataset doctor's `analyze` runs by itself after every upload and stage
 * (bookkeeping nobody asked for), so a subscriber would get one per upload.
 */
const SILENT_KINDS = new Set(["analyze"]);

export function jobFinished(jobId: string, prisma: Db = db()): Promise<void> {
  return emitSafely(`job ${jobId}`, async () => {
    const job = await prisma.job.findUnique({
      where: { id: jobId },
      include: {
        experiment: { select: { name: true, createdById: true } },
        conversion: { include: { model: { select: { id: true, name: true, sampleRate: true } }, job: true } },
      },
    });
    if (!job || !FINAL.has(job.status) || SILENT_KINDS.has(job.kind)) return;
    const owners = { createdById: job.createdById, alsoOwnedBy: [job.experiment?.createdById ?? null] };
    await emitEvent(`job.${job.status}`, { job: jobData(job) }, owners, prisma);
    if ((job.kind === "convert" || job.kind === "cover") && job.status === "succeeded" && job.conversion) {
      const c = job.conversion;
      await emitEvent("conversion.succeeded", { conversion: toApiConversion(c) }, { createdById: c.createdById }, prisma);
    }
  });
}

export function modelCreated(modelId: string, prisma: Db = db()): Promise<void> {
  return emitSafely(`model ${modelId}`, async () => {
    const m = await prisma.voiceModel.findUnique({ where: { id: modelId }, include: { experiment: { select: { name: true } } } });
    if (!m) return;
    await emitEvent("model.created", { model: toApiModel(m) }, { createdById: m.createdById }, prisma);
  });
}
