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

/**
 * Insert events of one job and notify, in ONE statement (one round trip, its own transaction): the
 * advisory lock is taken before any id is drawn (the rows join the lock's row), ids follow the
 * order given (ORDER BY ordinality), and the notification is delivered when the statement commits.
 */
export async function appendJobEvents(jobId: string, events: NewJobEvent[], prisma: Db = db()): Promise<bigint[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({ kind: e.kind, level: e.level ?? null, message: e.message ?? null, data: e.data ?? null }));
  const inserted = await prisma.$queryRaw<{ id: bigint }[]>`
    WITH lock AS (SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK}::bigint) AS locked),
    ins AS (
      INSERT INTO "JobEvent" ("jobId", "kind", "level", "message", "data")
      SELECT ${jobId}::uuid, e.v->>'kind', e.v->>'level', e.v->>'message', NULLIF(e.v->'data', 'null'::jsonb)
      FROM lock, jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS e(v, ord)
      ORDER BY e.ord
      RETURNING id
    ),
    last AS (SELECT max(id) AS id FROM ins)
    SELECT ins.id, (SELECT pg_notify(${JOB_EVENTS_CHANNEL}, ${jobId} || ':' || last.id || ':' ||
                      coalesce((SELECT j."experimentId"::text FROM "Job" j WHERE j.id = ${jobId}::uuid), ''))
                    FROM last) IS NULL AS notified
    FROM ins ORDER BY ins.id`;
  return inserted.map((r) => r.id);
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
