/**
 * Runs one queued job: moves its Job row through running → succeeded/failed, records status events,
 * and on worker shutdown releases the job back to the queue instead of failing it.
 */
import type { Db, Job } from "../lib/db";
import { appendJobEvent } from "../lib/job-events";

export interface JobContext {
  job: Job;
  signal: AbortSignal;
  log: (level: "info" | "warn" | "error", message: string) => Promise<void>;
}

export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown> | void>;

/** A failure that retrying cannot fix (bad input, missing feature): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

export class ReleasedJob extends Error {
  constructor() {
    super("released: the worker is shutting down; the job goes back to the queue");
    this.name = "ReleasedJob";
  }
}

export interface RunOptions {
  prisma: Db;
  workerId: string;
  /** aborted when the worker is asked to stop */
  shutdown: AbortSignal;
}

/**
 * Returns normally once the job reached a final state (succeeded or failed). Throws ReleasedJob
 * only when the worker is stopping, so that pg-boss hands the job to a worker again.
 */
export async function runJob(jobId: string, handler: JobHandler, opts: RunOptions): Promise<void> {
  const { prisma, workerId, shutdown } = opts;
  const existing = await prisma.job.findUnique({ where: { id: jobId } });
  if (!existing) {
    console.warn(`[worker] job ${jobId} has no Job row (deleted?); skipping`);
    return;
  }
  if (existing.status === "cancelled" || existing.status === "succeeded") return;

  const job = await prisma.job.update({
    where: { id: jobId },
    data: { status: "running", workerId, startedAt: new Date(), attempts: { increment: 1 }, error: null },
  });
  const log: JobContext["log"] = (level, message) => appendJobEvent(jobId, { kind: "log", level, message }, prisma);
  await appendJobEvent(jobId, { kind: "status", message: "running", data: { status: "running", workerId, attempt: job.attempts } }, prisma);

  try {
    if (shutdown.aborted) throw new ReleasedJob();
    const result = await handler({ job, signal: shutdown, log });
    if (shutdown.aborted) throw new ReleasedJob();
    await prisma.job.update({
      where: { id: jobId },
      data: { status: "succeeded", progress: 1, result: (result ?? {}) as object, finishedAt: new Date() },
    });
    await appendJobEvent(jobId, { kind: "status", message: "succeeded", data: { status: "succeeded" } }, prisma);
  } catch (err) {
    if (err instanceof ReleasedJob || shutdown.aborted) {
      await prisma.job.update({ where: { id: jobId }, data: { status: "queued", workerId: null } });
      await appendJobEvent(jobId, { kind: "status", level: "warn", message: new ReleasedJob().message, data: { status: "queued" } }, prisma);
      throw new ReleasedJob();
    }
    const message = (err as Error)?.message ?? String(err);
    await prisma.job.update({ where: { id: jobId }, data: { status: "failed", error: message, finishedAt: new Date() } });
    await appendJobEvent(jobId, { kind: "status", level: "error", message, data: { status: "failed" } }, prisma);
    if (!(err instanceof PermanentJobError)) console.error(`[worker] job ${jobId} failed:`, err);
  }
}
