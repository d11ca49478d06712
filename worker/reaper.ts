/**
 * Jobs whose worker died: a job still `running` on a worker that stopped heart-beating (or is gone)
 * is marked interrupted and handed back to pg-boss, which retries it on a live worker. Every live
 * worker runs this; the conditional update makes sure only one of them hands a job back.
 */
import type PgBoss from "pg-boss";
import type { Db } from "../lib/db";
import { appendJobEvent } from "../lib/job-events";
import { queueFor } from "../lib/placement";
import { jobFinished } from "../lib/webhooks/sources";

export async function reapOrphanedJobs(prisma: Db, boss: PgBoss, selfId: string, staleSeconds: number): Promise<string[]> {
  const running = await prisma.job.findMany({ where: { status: "running", NOT: { workerId: selfId } } });
  if (running.length === 0) return [];
  const workerIds = [...new Set(running.map((j) => j.workerId).filter((w): w is string => !!w))];
  const workers = new Map((await prisma.worker.findMany({ where: { id: { in: workerIds } } })).map((w) => [w.id, w]));
  const cutoff = Date.now() - staleSeconds * 1000;
  const reaped: string[] = [];
  for (const job of running) {
    const w = job.workerId ? workers.get(job.workerId) : undefined;
    const dead = !w || w.stoppedAt !== null || w.lastSeenAt.getTime() < cutoff;
    if (!dead) continue;
    const claimed = await prisma.job.updateMany({
      where: { id: job.id, status: "running", workerId: job.workerId },
      data: { status: "queued", workerId: null, stage: "interrupted" },
    });
    if (claimed.count === 0) continue;
    const who = w ? `${w.host} pid ${w.pid}` : `worker ${job.workerId ?? "?"}`;
    const since = w ? ` (last heartbeat ${w.lastSeenAt.toISOString()})` : "";
    await appendJobEvent(job.id, {
      kind: "status",
      level: "warn",
      message: `interrupted: its worker (${who}) stopped heart-beating${since}; the job goes back to the queue`,
      data: { status: "queued", interrupted: true, deadWorkerId: job.workerId },
    }, prisma);
    const bossId = job.bossId ?? job.id;
    // the pg-boss queue it was sent to: its kind's, or the kind's GPU queue (lib/placement.ts)
    const name = queueFor(job.kind, job.params);
    await boss.fail(name, bossId, { reason: "worker stopped heart-beating" }).catch(() => {});
    const after = await boss.getJobById(name, bossId).catch(() => null);
    if (!after || after.state === "completed" || after.state === "cancelled") {
      // pg-boss no longer holds it (it expired and a duplicate delivery completed): queue it afresh
      const queue = await boss.getQueue(name);
      if (job.attempts <= (queue?.retryLimit ?? 0)) {
        const fresh = await boss.send(name, { jobId: job.id });
        await prisma.job.update({ where: { id: job.id }, data: { bossId: fresh } });
        reaped.push(job.id);
        continue;
      }
    }
    if (!after || after.state === "failed" || after.state === "completed" || after.state === "cancelled") {
      await prisma.job.update({
        where: { id: job.id },
        data: { status: "failed", error: `its worker died and no retries are left (${job.attempts} attempt(s))`, finishedAt: new Date() },
      });
      await appendJobEvent(job.id, { kind: "status", level: "error", message: "failed: no retries left after the worker died", data: { status: "failed" } }, prisma);
      await jobFinished(job.id, prisma);
    }
    reaped.push(job.id);
  }
  return reaped;
}
