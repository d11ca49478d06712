/** Job rows: the user-facing state of queued work (api.md `GET /api/jobs/{id}`). */
import { diskFullError, isDiskFull } from "./disk";
import { db, type Db, type Job } from "./db";
import { requireDatabaseUrl } from "./config";
import { badRequest, conflict, notFound, unavailable } from "./errors";
import { isQueueName, QUEUES, senderBoss, type QueueName, type QueuePayload } from "./queue";
import { ACTIVE_JOB_STATUSES, lockExperiment } from "./experiments";
import { appendJobEvent, JOB_CANCEL_CHANNEL } from "./job-events";
import { checkName } from "./experiment-rules";
import { isUuid } from "./ids";
import { modelNameConflict } from "./models";
import { currentUserId, runAs } from "./auth/context";
import { assertMayChange } from "./auth/ownership";
import { assertInputsCurrent, stageSettingsOf, type StageSettings } from "./stage-settings";
import { jobFinished } from "./webhooks/sources";
import { queueFor } from "./placement";
import { queueStandings, type QueueStanding } from "./queue-position";
import { separationPendingError } from "./separation-rules";

/** Queue a job for an experiment: one active job per experiment and stage. */
export function enqueueExperimentJob(
  experimentName: string,
  kind: QueueName,
  params: Record<string, unknown>,
  prisma: Db = db(),
): Promise<Job> {
  checkName(experimentName);
  return enqueueJob({ kind, experimentName, params }, prisma);
}

export async function enqueueJob(
  input: { kind: QueueName; experimentName?: string; params: Record<string, unknown> },
  prisma: Db = db(),
): Promise<Job> {
  const { kind, experimentName, params } = input;
  // "One active job per experiment and stage" is decided under the experiment's row lock.
  const queued = await prisma.$transaction(async (tx) => {
    let experimentId: string | null = null;
    let settings: StageSettings | undefined;
    if (experimentName !== undefined) {
      experimentId = await lockExperiment(tx, experimentName);
      // recorded with the job: what its stage's output will depend on (lib/stage-settings.ts)
      settings = stageSettingsOf(
        await tx.experiment.findUniqueOrThrow({ where: { id: experimentId }, select: { sampleRate: true, f0Method: true, version: true, cleaning: true } }),
      );
      // the dataset doctor's catch-up job: one queued per experiment picks up everything not yet analysed, so many
      // uploads in a row queue one job (a running one may have listed its files already: a new one is queued behind it)
      if (kind === "analyze") {
        const queued = await tx.job.findFirst({ where: { experimentId, kind: "analyze", status: "queued" }, orderBy: { createdAt: "asc" } });
        if (queued) return { job: queued, existing: true, priority: 0 };
      }
      // publishing a checkpoint and training both write the experiment's model: one at a time
      const kinds: QueueName[] = kind === "publish" || kind === "train" ? ["publish", "train"] : [kind];
      // separating is per file (one upload in, its stems out): several files of an experiment may be queued at once
      const sameFile = kind === "separate" && typeof params.fileId === "string" ? { params: { path: ["fileId"], equals: params.fileId } } : {};
      const active = kind === "analyze" ? null : await tx.job.findFirst({
        where: { experimentId, kind: { in: kinds }, status: { in: [...ACTIVE_JOB_STATUSES] }, ...sameFile },
      });
      if (active) {
        throw conflict("job_active", `A ${active.kind} job for "${experimentName}"${kind === "separate" ? " and this file" : ""} is already ${active.status}`, { job: toApiJob({ ...active, experiment: { name: experimentName } }) });
      }
      const trains = kind === "train" || kind === "publish" || ((params.then as NextStage[] | undefined) ?? []).some((s) => s.kind === "train");
      const clash = trains ? await modelNameConflict(experimentName, experimentId, tx as unknown as Db) : null;
      if (clash) throw conflict("model_name_taken", clash, { name: experimentName });
      // refused now rather than accepted and failed by the worker a moment later (a pipeline starts with preprocess)
      if (kind === "preprocess" && (await tx.audioFile.count({ where: { experimentId, status: "ready" } })) === 0) {
        throw conflict(
          "no_audio",
          `"${experimentName}" has no audio yet: upload recordings of the voice (the experiment's Files card, or POST /api/uploads) before preprocessing`,
          { name: experimentName },
        );
      }
      // a file whose separation is queued or running has no vocal stem yet: preprocess would silently read its mix
      if (kind === "preprocess") {
        const pending = await separationPendingError(experimentId, experimentName, tx as unknown as Db);
        if (pending) throw pending;
      }
      // a stage whose input was made with other settings would fail later (or train on the wrong rate): say which to re-run
      await assertInputsCurrent(experimentName, experimentId, kind, settings, tx as unknown as Db);
    }
    // fair turns (issue 20): the owner's queued jobs of this kind go first, so this one waits behind them and not behind
    // everyone else's — pg-boss hands out higher priority first, then older (one person's 50 conversions: one turn)
    const owner = currentUserId();
    const ahead = await tx.job.count({ where: { kind, status: "queued", createdById: owner } });
    const created = await tx.job.create({
      data: { kind, experimentId, params: params as object, ...(settings ? { settings: { ...settings } } : {}), createdById: owner },
    });
    return { job: await tx.job.update({ where: { id: created.id }, data: { bossId: created.id } }), existing: false, priority: -ahead };
  });
  if (queued.existing) return queued.job;
  const job = queued.job;
  try {
    const boss = await senderBoss(requireDatabaseUrl());
    const payload: QueuePayload = { jobId: job.id };
    // a job that demands a GPU goes to its kind's GPU queue, which only workers with GPU slots poll (lib/placement.ts)
    await boss.send(queueFor(kind, params), payload, { id: job.id, priority: queued.priority });
  } catch (err) {
    // pg-boss's message may carry SQL or Postgres's file paths: the log gets it, the client a summary
    console.error(`[jobs] could not queue job ${job.id}:`, err);
    const full = isDiskFull(err) ? diskFullError("database") : undefined;
    const reason = full ? full.message : "The job queue is not available (the server log has the details)";
    await prisma.job
      .update({ where: { id: job.id }, data: { status: "failed", error: `Could not queue the job: ${reason}`, finishedAt: new Date() } })
      .catch(() => {});
    throw full ?? unavailable("queue_unavailable", reason);
  }
  await appendJobEvent(job.id, { kind: "status", message: "queued", data: { status: "queued" } }, prisma);
  return job;
}

export interface NextStage {
  kind: QueueName;
  params: Record<string, unknown>;
}

/** "Run whole pipeline": the first stage carries the rest in `params.then`; each queues the next on success. */
export async function enqueuePipeline(experimentName: string, stages: NextStage[], prisma: Db = db()): Promise<Job> {
  const [first, ...rest] = stages;
  if (!first) throw badRequest("empty_pipeline", "a pipeline needs at least one stage");
  return enqueueExperimentJob(experimentName, first.kind, { ...first.params, ...(rest.length ? { then: rest } : {}) }, prisma);
}

/** Called by the worker when a job succeeded: queue the next stage of its pipeline, if any. */
export async function continuePipeline(job: Job, prisma: Db = db()): Promise<Job | null> {
  const then = (job.params as { then?: NextStage[] } | null)?.then;
  if (!then?.length || !job.experimentId) return null;
  const experiment = await prisma.experiment.findUnique({ where: { id: job.experimentId } });
  if (!experiment) return null;
  const [next, ...rest] = then;
  // the next stage is queued for the user who started the pipeline
  return runAs(job.createdById, () =>
    enqueueExperimentJob(experiment.name, next!.kind, { ...next!.params, ...(rest.length ? { then: rest } : {}) }, prisma),
  );
}

/**
 * Cancel: a queued job is cancelled at once (and removed from pg-boss); a running one gets
 * `cancelRequestedAt` and a NOTIFY, and its worker aborts the handler, which ends it as cancelled.
 */
export async function cancelJob(id: string, prisma: Db = db()) {
  const found = await findJob(id, prisma);
  // the job's starter, the creator of its experiment, or an admin
  const experimentOwner = found.experimentId ? (await prisma.experiment.findUnique({ where: { id: found.experimentId }, select: { createdById: true } }))?.createdById : null;
  await assertMayChange({ what: `${found.kind} job ${found.id.slice(0, 8)}`, createdById: found.createdById, alsoOwnedBy: [experimentOwner ?? null] }, "cancel", prisma);
  const outcome = await prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM "Job" WHERE id = ${found.id}::uuid FOR UPDATE`;
    const status = row?.status;
    if (status === "queued") {
      await tx.job.update({
        where: { id: found.id },
        data: { status: "cancelled", cancelRequestedAt: new Date(), finishedAt: new Date(), etaSeconds: null },
      });
      return "cancelled" as const;
    }
    if (status === "running") {
      await tx.job.update({ where: { id: found.id }, data: { cancelRequestedAt: new Date() } });
      await tx.$executeRaw`SELECT pg_notify(${JOB_CANCEL_CHANNEL}, ${found.id})`;
      return "requested" as const;
    }
    throw conflict("job_finished", `Job ${found.id} has already ${status === "cancelled" ? "been cancelled" : status}`, { status });
  });
  if (outcome === "cancelled") {
    const boss = await senderBoss(requireDatabaseUrl());
    await boss.cancel(queueFor(found.kind, found.params), found.bossId ?? found.id).catch(() => {});
    await appendJobEvent(found.id, { kind: "status", level: "warn", message: "cancelled before it started", data: { status: "cancelled" } }, prisma);
    await jobFinished(found.id, prisma);
  } else {
    await appendJobEvent(found.id, { kind: "log", level: "warn", message: "cancel requested; stopping" }, prisma);
  }
  return getJob(found.id, prisma);
}

async function findJob(id: string, prisma: Db) {
  const job = isUuid(id)
    ? await prisma.job.findUnique({ where: { id }, include: { experiment: { select: { name: true } } } })
    : null;
  if (!job) throw notFound("job_not_found", `No job with id "${id}"`, { id });
  return job;
}

/**
 * The API's Job (lib/api/common.ts `Job`). The experiment's name is part of it, so the row must come with it
 * (`include: { experiment: { select: { name: true } } }`, or `{ name }` where the caller knows it; null: none).
 */
export function toApiJob(job: Job & { experiment: { name: string } | null }) {
  return {
    id: job.id,
    kind: job.kind,
    experiment: job.experiment?.name ?? null,
    experimentId: job.experimentId,
    status: job.status,
    progress: job.progress,
    stage: job.stage,
    etaSeconds: job.etaSeconds,
    params: (job.params ?? {}) as Record<string, unknown>,
    settings: job.settings,
    result: job.result,
    error: job.error,
    workerId: job.workerId,
    attempts: job.attempts,
    cancelRequested: job.cancelRequestedAt !== null,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

/** A job just queued for `experimentName` (null: none), as the API's Job. */
export const queuedJob = (job: Job, experimentName: string | null) => toApiJob({ ...job, experiment: experimentName === null ? null : { name: experimentName } });

export async function getJob(id: string, prisma: Db = db()) {
  return toApiJob(await findJob(id, prisma));
}

/**
 * Jobs with `queue`: where each queued one stands in its pg-boss queue and what it waits for (lib/queue-position.ts);
 * null for the others, and for all when pg-boss cannot be read (the jobs themselves still answer).
 */
export async function withQueueStandings<J extends { id: string; status: string }>(jobs: J[], prisma: Db = db()) {
  const queued = jobs.filter((j) => j.status === "queued").map((j) => j.id);
  const standings = queued.length ? await queueStandings(queued, prisma).catch(() => new Map<string, QueueStanding>()) : new Map<string, QueueStanding>();
  return jobs.map((j) => {
    const s = standings.get(j.id);
    return { ...j, queue: s ? { name: s.queue, place: s.place, waitingFor: s.waitingFor } : null };
  });
}

/** GET /api/jobs/{id}: the job with its standing in the queue. */
export async function getJobStanding(id: string, prisma: Db = db()) {
  return (await withQueueStandings([await getJob(id, prisma)], prisma))[0]!;
}

const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

export async function listJobs(filter: { experiment?: string; status?: string; kind?: string }, prisma: Db = db()) {
  if (filter.status !== undefined && !(JOB_STATUSES as readonly string[]).includes(filter.status)) {
    throw badRequest("invalid_status", `status must be one of ${JOB_STATUSES.join(", ")}`, { field: "status" });
  }
  if (filter.kind !== undefined && !isQueueName(filter.kind)) {
    throw badRequest("invalid_kind", `kind must be one of ${QUEUES.join(", ")}`, { field: "kind" });
  }
  const jobs = await prisma.job.findMany({
    where: {
      ...(filter.experiment !== undefined ? { experiment: { name: filter.experiment } } : {}),
      ...(filter.status !== undefined ? { status: filter.status as (typeof JOB_STATUSES)[number] } : {}),
      ...(filter.kind !== undefined ? { kind: filter.kind as QueueName } : {}),
    },
    include: { experiment: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  return withQueueStandings(jobs.map(toApiJob), prisma);
}
