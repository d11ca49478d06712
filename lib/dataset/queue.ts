/**
 * Queue the dataset doctor's analyze job for an experiment (worker/analyze/job.ts). Cheap and idempotent: while one is
 * queued, that one is reused (it picks up everything not yet analysed), so a hundred uploads in a row queue one job.
 * Best effort: the analysis is advice, so a failure to queue it is logged and never fails the upload or the stage
 * that asked.
 */
import { db, type Db } from "../db";
import { enqueueJob } from "../jobs";

export async function queueAnalysis(
  experimentName: string,
  params: { pitch?: boolean } = {},
  log?: { log(level: "warn", message: string): void },
  prisma: Db = db(),
): Promise<void> {
  try {
    await enqueueJob({ kind: "analyze", experimentName, params }, prisma);
  } catch (err) {
    const message = `could not queue the dataset analysis: ${(err as Error).message}`;
    if (log) log.log("warn", message);
    else console.warn(`[analyze] ${experimentName}: ${message}`);
  }
}

/** The same, by experiment id (the upload path knows the id). */
export async function queueAnalysisById(experimentId: string, prisma: Db = db()): Promise<void> {
  const e = await prisma.experiment.findUnique({ where: { id: experimentId }, select: { name: true } }).catch(() => null);
  if (e) await queueAnalysis(e.name, {}, undefined, prisma);
}
