/**
 * Runs one queued job: moves its Job row through running → succeeded / failed / cancelled, gives the
 * handler a reporter and an AbortSignal, and on worker shutdown releases the job to the queue.
 */
import type { Db, Job } from "../lib/db";
import { asDiskFull, type DiskName } from "../lib/disk";
import { ApiError } from "../lib/errors";
import { appendJobEvent } from "../lib/job-events";
import { JobReporter, type LogLevel } from "../lib/report";
import { jobFinished } from "../lib/webhooks/sources";

export interface JobContext {
  job: Job;
  /** aborted when the user cancels the job or the worker stops; stop promptly and throw */
  signal: AbortSignal;
  report: JobReporter;
  log: (level: LogLevel, message: string) => void;
  /** the GPU slots (device ids) this job holds on its worker (worker/slots.ts); empty: none (CPU, or no GPU kind) */
  devices: number[];
}

export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown> | void>;

/** A failure that retrying cannot fix (bad input, missing feature): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

/**
 * A permanent failure with a code and details for the job's result (`result.error`), e.g. the list of files that
 * failed (`files_failed`).
 */
export class JobFailure extends PermanentJobError {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    cause?: unknown,
  ) {
    super(message);
    this.name = "JobFailure";
    if (cause !== undefined) this.cause = cause;
  }
}

/** Where each kind of job writes, to name the full disk when the error itself does not say. */
const JOB_DISKS: Record<string, DiskName[]> = {
  preprocess: ["EXPERIMENTS_DIR"],
  extract: ["EXPERIMENTS_DIR"],
  train: ["EXPERIMENTS_DIR", "MODELS_ROOT", "DATA_ROOT"],
  index: ["EXPERIMENTS_DIR", "MODELS_ROOT"],
  export: ["MODELS_ROOT", "DATA_ROOT"],
  convert: ["DATA_ROOT"],
  separate: ["UPLOADS_DIR"],
  cover: ["DATA_ROOT"],
};

/** A Prisma/pg error: its message may carry SQL or Postgres's file paths, so it is never shown as the job's error. */
function isDatabaseError(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown; severity?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  return (typeof e.name === "string" && e.name.startsWith("PrismaClient")) || (typeof e.severity === "string" && typeof e.code === "string");
}

export interface Failure {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * What a failed job records (Job.error = message, Job.result.error = the whole): a full disk anywhere is
 * `disk_full` naming the disk; a database error a generic message with a log id; our own errors as they are.
 */
export async function describeFailure(err: unknown, kind: string, jobId: string): Promise<Failure> {
  const full = await asDiskFull(err, JOB_DISKS[kind] ?? ["DATA_ROOT"]).catch(() => undefined);
  if (full) {
    const files = err instanceof JobFailure ? err.details : undefined;
    return { code: full.code, message: full.message, details: { ...full.details, ...files } };
  }
  if (err instanceof JobFailure) return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  if (err instanceof ApiError) return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  if (isDatabaseError(err)) {
    return { code: "database_error", message: `a database error stopped the job; the worker log has the details under job ${jobId}` };
  }
  return { code: err instanceof PermanentJobError ? "failed" : "error", message: (err as Error)?.message ?? String(err) };
}

export class ReleasedJob extends Error {
  constructor() {
    super("released: the worker is shutting down; the job goes back to the queue");
    this.name = "ReleasedJob";
  }
}

export const CANCELLED = "cancelled";
export const SHUTDOWN = "shutdown";

export interface RunOptions {
  prisma: Db;
  workerId: string;
  /** aborted when the worker is asked to stop */
  shutdown: AbortSignal;
  /** the worker aborts this one with reason CANCELLED when the user cancels the job */
  cancel?: AbortController;
  reporter?: { intervalMs?: number };
  /** a worker silent for longer is dead (default 15 s) */
  staleSeconds?: number;
  /** e.g. queue the next stage of a pipeline */
  onSucceeded?: (job: Job) => Promise<unknown>;
  /** the GPU slots the worker gave this job */
  devices?: number[];
}

const FINAL = new Set(["succeeded", "failed", "cancelled"]);

/**
 * Returns normally once the job reached a final state. Throws ReleasedJob only when the worker is
 * stopping, so that pg-boss hands the job to a worker again.
 */
export async function runJob(jobId: string, handler: JobHandler, opts: RunOptions): Promise<void> {
  const { prisma, workerId, shutdown } = opts;
  const existing = await prisma.job.findUnique({ where: { id: jobId } });
  if (!existing) {
    console.warn(`[worker] job ${jobId} has no Job row (deleted?); skipping`);
    return;
  }
  if (FINAL.has(existing.status)) return;
  if (existing.status === "running" && existing.workerId && existing.workerId !== workerId && (await workerAlive(prisma, existing.workerId, opts.staleSeconds))) {
    // A second delivery (pg-boss expired the job while its worker is still at it, e.g. training past 23 h):
    // the owner keeps it; if the owner dies, the reaper hands the job back.
    console.warn(`[worker] job ${jobId} is still running on live worker ${existing.workerId}; ignoring a second delivery`);
    return;
  }
  if (existing.cancelRequestedAt) {
    await finish(prisma, jobId, "cancelled", "cancelled before it started");
    return;
  }

  const controller = opts.cancel ?? new AbortController();
  const onShutdown = () => controller.abort(SHUTDOWN);
  if (shutdown.aborted) onShutdown();
  shutdown.addEventListener("abort", onShutdown);

  const job = await prisma.job.update({
    where: { id: jobId },
    data: { status: "running", workerId, startedAt: existing.startedAt ?? new Date(), attempts: { increment: 1 }, error: null },
  });
  const resumed = job.attempts > 1;
  await appendJobEvent(jobId, {
    kind: "status",
    level: resumed ? "warn" : "info",
    message: resumed ? `running again (attempt ${job.attempts}) after an interruption` : "running",
    data: { status: "running", workerId, attempt: job.attempts, resumed },
  }, prisma);

  const report = new JobReporter(jobId, prisma, opts.reporter);
  const devices = opts.devices ?? [];
  const ctx: JobContext = { job, signal: controller.signal, report, log: (level, message) => report.log(level, message), devices };
  if (devices.length) report.log("info", `on GPU slot${devices.length > 1 ? "s" : ""} ${devices.join(", ")} of this worker`);
  try {
    if (controller.signal.aborted) throw controller.signal.reason;
    const result = await handler(ctx);
    if (controller.signal.reason === SHUTDOWN) throw new ReleasedJob();
    await report.close();
    await prisma.job.update({
      where: { id: jobId },
      data: { status: "succeeded", progress: 1, etaSeconds: 0, result: (result ?? {}) as object, finishedAt: new Date() },
    });
    await appendJobEvent(jobId, { kind: "status", message: "succeeded", data: { status: "succeeded", result: result ?? {} } }, prisma);
    await jobFinished(jobId, prisma);
    if (opts.onSucceeded) {
      await opts.onSucceeded(job).catch((err) =>
        appendJobEvent(jobId, { kind: "log", level: "error", message: `could not queue the next stage: ${(err as Error).message}` }, prisma),
      );
    }
  } catch (err) {
    await report.close();
    const reason = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason === SHUTDOWN || err instanceof ReleasedJob) {
      await prisma.job.update({ where: { id: jobId }, data: { status: "queued", workerId: null } });
      await appendJobEvent(jobId, { kind: "status", level: "warn", message: new ReleasedJob().message, data: { status: "queued" } }, prisma);
      throw new ReleasedJob();
    }
    if (reason === CANCELLED) {
      await finish(prisma, jobId, "cancelled", "cancelled by the user");
      return;
    }
    const failure = await describeFailure(err, job.kind, jobId);
    await finish(prisma, jobId, "failed", failure.message, failure);
    if (!(err instanceof PermanentJobError) || failure.code === "disk_full") console.error(`[worker] job ${jobId} failed:`, err);
  } finally {
    shutdown.removeEventListener("abort", onShutdown);
  }
}

async function workerAlive(prisma: Db, id: string, staleSeconds = 15): Promise<boolean> {
  const w = await prisma.worker.findUnique({ where: { id } });
  return !!w && w.stoppedAt === null && w.lastSeenAt.getTime() >= Date.now() - staleSeconds * 1000;
}

async function finish(prisma: Db, jobId: string, status: "failed" | "cancelled", message: string, failure?: Failure) {
  await prisma.job.update({
    where: { id: jobId },
    data: {
      status,
      error: status === "failed" ? message : null,
      finishedAt: new Date(),
      etaSeconds: null,
      ...(failure ? { result: { error: failure } as unknown as object } : {}),
    },
  });
  await appendJobEvent(
    jobId,
    { kind: "status", level: status === "failed" ? "error" : "warn", message, data: { status, ...(failure ? { code: failure.code } : {}) } },
    prisma,
  );
  await jobFinished(jobId, prisma);
}
