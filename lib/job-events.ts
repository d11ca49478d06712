/**
 * The append-only job event log (JobEvent rows) and its wake-up signal.
 *
 * Every insert takes one transaction-level advisory lock, so event ids are handed out in commit
 * order: a reader that has seen id N can never later find a committed row below N (no gaps for
 * streams that resume from Last-Event-ID). After the insert, `NOTIFY job_events` carries
 * '<jobId>:<lastEventId>:<experimentId>' so web processes know whom to wake; the rows themselves
 * are always read from the table, so a lost notification delays an event but never drops it.
 */
import { db, Prisma, type Db } from "./db";

export type JobEventKind = "status" | "progress" | "log" | "metric";
export const JOB_EVENTS_CHANNEL = "job_events";
export const JOB_CANCEL_CHANNEL = "job_cancel";
const EVENT_ORDER_LOCK = 727_001;

export interface NewJobEvent {
  kind: JobEventKind;
  level?: string;
  message?: string;
  data?: Record<string, unknown>;
}

export interface JobEventRow {
  id: bigint;
  jobId: string;
  kind: string;
  level: string | null;
  message: string | null;
  data: unknown;
  createdAt: Date;
}

/** Insert events of one job in one transaction and notify on commit. Returns the new ids. */
export async function appendJobEvents(jobId: string, events: NewJobEvent[], prisma: Db = db()): Promise<bigint[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({ kind: e.kind, level: e.level ?? null, message: e.message ?? null, data: e.data ?? null }));
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`;
    const ids = await tx.$queryRaw<{ id: bigint; experimentId: string | null }[]>`
      INSERT INTO "JobEvent" ("jobId", "kind", "level", "message", "data")
      SELECT ${jobId}::uuid, r.kind, r.level, r.message, r.data
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(kind text, level text, message text, data jsonb)
      RETURNING id, (SELECT j."experimentId"::text FROM "Job" j WHERE j.id = ${jobId}::uuid) AS "experimentId"`;
    const last = ids[ids.length - 1]!;
    // delivered to listeners only when this transaction commits, i.e. when the rows are visible
    await tx.$executeRaw`SELECT pg_notify(${JOB_EVENTS_CHANNEL}, ${`${jobId}:${last.id}:${last.experimentId ?? ""}`})`;
    return ids.map((r) => r.id);
  });
}

export async function appendJobEvent(jobId: string, event: NewJobEvent, prisma: Db = db()): Promise<bigint> {
  const [id] = await appendJobEvents(jobId, [event], prisma);
  return id!;
}

/** Events of one job (or of all jobs of one experiment) after a given id, oldest first. */
export async function eventsAfter(
  scope: { jobId: string } | { experimentId: string },
  afterId: bigint,
  limit = 1000,
  prisma: Db = db(),
): Promise<JobEventRow[]> {
  const where: Prisma.JobEventWhereInput =
    "jobId" in scope ? { jobId: scope.jobId, id: { gt: afterId } } : { job: { experimentId: scope.experimentId }, id: { gt: afterId } };
  return prisma.jobEvent.findMany({ where, orderBy: { id: "asc" }, take: limit });
}

/** The whole log of a job as text: one line per log/status event. */
export async function jobLogText(jobId: string, prisma: Db = db()): Promise<string> {
  const rows = await prisma.jobEvent.findMany({
    where: { jobId, kind: { in: ["log", "status"] } },
    orderBy: { id: "asc" },
    select: { createdAt: true, kind: true, level: true, message: true },
  });
  return rows
    .map((r) => `${r.createdAt.toISOString()} ${(r.kind === "status" ? "status" : (r.level ?? "info")).toUpperCase().padEnd(6)} ${r.message ?? ""}`)
    .join("\n")
    .concat(rows.length ? "\n" : "");
}
