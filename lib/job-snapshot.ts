/**
 * What the experiment page needs of its jobs' past events at first load, in bounded queries (issue 15), instead of
 * replaying every event of the experiment over SSE: the newest event id (the live stream starts after it) and, for
 * the few jobs the page shows in detail, each one's last progress event, its last log/status lines and its last
 * checkpoint metrics. The page folds these into its live state as if they had been streamed.
 */
import { db, type Db } from "./db";
import type { JobEventRow } from "./job-events";

/** log/status lines per job (the log tail shows the end; "Download full log" has the rest) */
export const SNAPSHOT_LOG_LINES = 50;
/** checkpoint metric events per job (the training's checkpoint list) */
export const SNAPSHOT_CHECKPOINTS = 100;

/** An event as the SSE stream sends it (lib/sse.ts#formatEvent), so the page's reducer takes both. */
export interface SnapshotEvent {
  id: string;
  jobId: string;
  kind: "status" | "progress" | "log" | "metric";
  level: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
  at: string;
}

export interface JobSnapshot {
  /** the live stream's Last-Event-ID: every event up to it is in the job rows or in `events` */
  lastEventId: string;
  events: SnapshotEvent[];
}

/**
 * The newest event id overall (the primary key's end: one index probe) and the bounded tails of `jobIds`, all up to
 * that id. Event ids are handed out in commit order (lib/job-events.ts), so a stream that starts after it misses
 * nothing of this experiment and repeats nothing of the snapshot.
 */
export async function jobSnapshot(jobIds: string[], prisma: Db = db()): Promise<JobSnapshot> {
  const [top] = await prisma.$queryRaw<{ max: bigint | null }[]>`SELECT max(id) AS max FROM "JobEvent"`;
  const last = top?.max ?? 0n;
  const ids = [...new Set(jobIds)];
  if (ids.length === 0) return { lastEventId: last.toString(), events: [] };
  const rows = await prisma.$queryRaw<JobEventRow[]>`
    SELECT e.id, e."jobId", e.kind, e.level, e.message, e.data, e."createdAt"
    FROM unnest(${ids}::uuid[]) AS j(id)
    CROSS JOIN LATERAL (
      (SELECT * FROM "JobEvent" p WHERE p."jobId" = j.id AND p.id <= ${last} AND p.kind = 'progress' ORDER BY p.id DESC LIMIT 1)
      UNION ALL
      (SELECT * FROM "JobEvent" l WHERE l."jobId" = j.id AND l.id <= ${last} AND l.kind IN ('log', 'status') ORDER BY l.id DESC LIMIT ${SNAPSHOT_LOG_LINES})
      UNION ALL
      (SELECT * FROM "JobEvent" m WHERE m."jobId" = j.id AND m.id <= ${last} AND m.kind = 'metric' AND m.data->>'kind' = 'checkpoint' ORDER BY m.id DESC LIMIT ${SNAPSHOT_CHECKPOINTS})
    ) e
    ORDER BY e.id`;
  return {
    lastEventId: last.toString(),
    events: rows.map((r) => ({
      id: r.id.toString(),
      jobId: r.jobId,
      kind: r.kind as SnapshotEvent["kind"],
      level: r.level,
      message: r.message,
      data: (r.data ?? null) as Record<string, unknown> | null,
      at: r.createdAt.toISOString(),
    })),
  };
}
