/**
 * Where each queued job stands (issue 20, Jobs page): its place in its pg-boss queue — counted as pg-boss hands jobs
 * out (higher priority first, then older; lib/jobs.ts sets the priority for fair turns) — and, when no live worker
 * takes its kind, what it waits for. Read straight from pg-boss's own table (schema `pgboss`, queue = job kind).
 */
import type { Db } from "./db";
import { db } from "./db";
import { KIND_NEEDS } from "./placement";
import { isQueueName } from "./queue";
import { unservedQueuedKinds } from "./workers";

export interface QueueStanding {
  /** 1 = next to be taken in its queue */
  place: number;
  /** why it cannot start: no live worker takes its kind (what it needs), or null */
  waitingFor: string | null;
}

const NEEDS_TEXT = { torch: "a worker with PyTorch", onnx: "a worker with onnxruntime", node: "a worker that takes this kind" } as const;

export async function queueStandings(jobIds: string[], prisma: Db = db()): Promise<Map<string, QueueStanding>> {
  const out = new Map<string, QueueStanding>();
  if (jobIds.length === 0) return out;
  const rows = await prisma.$queryRawUnsafe<{ id: string; name: string; place: bigint }[]>(
    `SELECT j.id::text AS id, j.name, (
       SELECT count(*) FROM pgboss.job o
        WHERE o.name = j.name AND o.state < 'active' AND o.start_after <= now()
          AND (o.priority > j.priority OR (o.priority = j.priority AND (o.created_on, o.id) < (j.created_on, j.id)))
     ) + 1 AS place
     FROM pgboss.job j WHERE j.id = ANY($1::uuid[]) AND j.state < 'active'`,
    jobIds,
  );
  const unserved = new Set((await unservedQueuedKinds(prisma)).map((u) => u.kind));
  for (const r of rows) {
    const waits = unserved.has(r.name) && isQueueName(r.name) ? `waiting for ${NEEDS_TEXT[KIND_NEEDS[r.name]]}` : null;
    out.set(r.id, { place: Number(r.place), waitingFor: waits });
  }
  return out;
}
