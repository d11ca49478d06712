/**
 * Where each queued job stands (issue 20, Jobs page, job JSON): its place in its pg-boss queue — counted as pg-boss
 * hands jobs out (higher priority first, then older; lib/jobs.ts sets the priority for fair turns) — and, when no live
 * worker takes it, what it waits for. Read straight from pg-boss's own table (schema `pgboss`; the queue is the job's
 * kind, or the kind's GPU queue for a job that demands a GPU).
 */
import type { Db } from "./db";
import { db } from "./db";
import type { Need } from "./placement";
import { unservedQueuedKinds } from "./workers";

export interface QueueStanding {
  /** the pg-boss queue it waits in (`train`, `train-gpu`, …) */
  queue: string;
  /** 1 = next to be taken in its queue */
  place: number;
  /** why it cannot start: no live worker takes its kind (what it needs) or, for a job that demands a GPU, no live
   * worker with GPU slots does ("waiting for a GPU worker"); null: a worker takes it in its turn */
  waitingFor: string | null;
}

const NEEDS_TEXT: Record<Need, string> = { torch: "a worker with PyTorch", onnx: "a worker with onnxruntime", node: "a worker that takes this kind" };

/** What jobs of a queue no live worker takes wait for: "a GPU worker" (with PyTorch, for a training), or NEEDS_TEXT. */
export function workerWanted(u: { needs: Need; gpu: boolean }): string {
  if (u.gpu) return `a GPU worker${u.needs === "torch" ? " with PyTorch" : ""}`;
  return NEEDS_TEXT[u.needs];
}

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
  const unserved = new Map((await unservedQueuedKinds(prisma)).map((u) => [u.queue, u]));
  for (const r of rows) {
    const u = unserved.get(r.name);
    out.set(r.id, { queue: r.name, place: Number(r.place), waitingFor: u ? `waiting for ${workerWanted(u)}` : null });
  }
  return out;
}
