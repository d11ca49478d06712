/** Append-only job event log (JobEvent rows). The live SSE fan-out builds on this table. */
import { db, type Db } from "./db";

export type JobEventKind = "status" | "progress" | "log" | "metric";

export async function appendJobEvent(
  jobId: string,
  event: { kind: JobEventKind; level?: string; message?: string; data?: Record<string, unknown> },
  prisma: Db = db(),
): Promise<void> {
  await prisma.jobEvent.create({
    data: { jobId, kind: event.kind, level: event.level, message: event.message, data: event.data as object | undefined },
  });
}
