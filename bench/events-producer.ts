/**
 * The "worker process" side of bench/events: reports events for one job at a given rate and
 * prints, per event, when it was reported. Usage: events-producer.ts JOB_ID MODE COUNT RATE
 *   MODE progress: report.progress(i, COUNT) (reporter flushes at once: intervalMs 0)
 *   MODE log:      report.log("info", "i sentAt")
 */
import { db } from "../lib/db";
import { JobReporter } from "../lib/report";

const [jobId, mode, countArg, rateArg] = process.argv.slice(2);
const count = Number(countArg);
const rate = Number(rateArg);
const report = new JobReporter(jobId!, db(), { intervalMs: 0, maxQueued: 1_000_000 });
// warm up: connection pool and Prisma's query compiler, so start-up does not count as latency
await db().job.findUnique({ where: { id: jobId! } });
await db().jobEvent.findFirst({ where: { jobId: jobId! } });
const sentAt: number[] = [];
const start = performance.now() + performance.timeOrigin;
for (let i = 1; i <= count; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const t = Date.now();
  sentAt[i] = t;
  if (mode === "progress") report.progress(i, count, "bench");
  else report.log("info", `${i} ${t}`);
}
await report.close();
process.stderr.write(`producer: ${count} ${mode} events in ${((Date.now() - start) / 1000).toFixed(2)} s\n`);
process.stdout.write(JSON.stringify(sentAt) + "\n");
await db().$disconnect();
