/**
 * bench/queue (not a test; issue 20): is the scheduler the bottleneck? Three real worker processes (self-test jobs
 * only) against one fresh database:
 *   1. backlog — 1,000 tiny self-test jobs queued first, then the workers start: jobs handed out per second, from the
 *      first start to the last finish;
 *   2. pick-up latency — 100 jobs queued one every 100 ms while the workers are idle: time from queued to started
 *      (median, p95). Idle workers poll every second (worker/main.ts POLL_MS), which bounds it.
 * Usage: node --import tsx bench/queue.ts [JOBS=1000] [WORKERS=3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, testServer } from "../tests/helpers/database";
import { startTs, until, type Proc } from "../tests/helpers/process";

const jobsN = Number(process.argv[2] ?? 1000);
const workersN = Number(process.argv[3] ?? 3);
const server = await testServer();
const database = await createDatabase(server.adminUrl, "vs_bench_queue");
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-queue-"));
Object.assign(process.env, { DATABASE_URL: database.url, DATA_ROOT: dataRoot });
const { migrate } = await import("../lib/migrate");
const { setupQueues } = await import("../lib/queue");
const { enqueueJob } = await import("../lib/jobs");
const { db } = await import("../lib/db");
await migrate(database.url);
await setupQueues(database.url);

const workers: Proc[] = [];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
try {
  const tiny = { kind: "selftest" as const, params: { seconds: 0.001, steps: 1 } };
  console.log(`queueing ${jobsN} self-test jobs …`);
  for (let i = 0; i < jobsN; i++) await enqueueJob(tiny);
  const t0 = Date.now();
  for (let i = 0; i < workersN; i++) workers.push(startTs("worker/main.ts", { ...process.env, WORKER_JOBS: "selftest", WORKER_HEARTBEAT_SECONDS: "2" }));
  await Promise.all(workers.map((w) => w.waitFor(/ready on/, 120_000)));
  await until(async () => (await db().job.count({ where: { kind: "selftest", status: { in: ["queued", "running"] } } })) === 0, 30 * 60_000, "the backlog");
  const span = await db().job.aggregate({ where: { kind: "selftest" }, _min: { startedAt: true }, _max: { finishedAt: true } });
  const seconds = (span._max.finishedAt!.getTime() - span._min.startedAt!.getTime()) / 1000;
  const perWorker = await db().job.groupBy({ by: ["workerId"], where: { kind: "selftest" }, _count: { _all: true } });
  console.log(`backlog: ${jobsN} jobs in ${seconds.toFixed(1)} s with ${workersN} workers → ${(jobsN / seconds).toFixed(1)} jobs/s ` +
    `(per worker: ${perWorker.map((w) => w._count._all).join(", ")}; start-up ${((span._min.startedAt!.getTime() - t0) / 1000).toFixed(1)} s not counted)`);

  const trickle: string[] = [];
  for (let i = 0; i < 100; i++) {
    trickle.push((await enqueueJob(tiny)).id);
    await new Promise((r) => setTimeout(r, 100));
  }
  await until(async () => (await db().job.count({ where: { id: { in: trickle }, status: "succeeded" } })) === trickle.length, 120_000, "the trickle");
  const rows = await db().job.findMany({ where: { id: { in: trickle } } });
  const waits = rows.map((r) => r.startedAt!.getTime() - r.createdAt.getTime());
  console.log(`pick-up latency (queued → started, idle workers polling every 1 s): median ${pct(waits, 0.5)} ms, p95 ${pct(waits, 0.95)} ms, max ${Math.max(...waits)} ms`);
  console.log(`machine: ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
} finally {
  for (const w of workers) w.child.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.exit()));
  await db().$disconnect();
  await database.drop();
  await server.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
}
