/**
 * The worker process: takes jobs from the pg-boss queues, runs them, heart-beats its
 * capabilities into the Worker table, and on SIGINT/SIGTERM releases or finishes its job.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { config, requireDatabaseUrl } from "../lib/config";
import { db } from "../lib/db";
import { createBoss, QUEUES, type QueuePayload } from "../lib/queue";
import { heartbeat, markStopped } from "../lib/workers";
import { probeCapabilities } from "./capabilities";
import { handlers } from "./handlers";
import { runJob } from "./runner";

const GRACE_MS = 20_000;

async function main() {
  const cfg = config();
  const databaseUrl = requireDatabaseUrl();
  const prisma = db();
  const workerId = randomUUID();
  const shutdown = new AbortController();
  const active = new Set<string>();

  const capabilities = await probeCapabilities(cfg.python);
  const beat = () =>
    heartbeat(
      {
        id: workerId,
        host: os.hostname(),
        pid: process.pid,
        busy: active.size > 0,
        currentJobId: [...active][0] ?? null,
        capabilities: capabilities as unknown as Record<string, unknown>,
      },
      prisma,
    ).catch((err) => console.error(`heartbeat failed: ${(err as Error).message}`));
  await beat();
  const timer = setInterval(beat, cfg.heartbeatSeconds * 1000);

  const boss = createBoss(databaseUrl, "worker");
  await boss.start();
  for (const queue of QUEUES) {
    await boss.work<QueuePayload>(queue, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
      if (!job) return;
      active.add(job.data.jobId);
      void beat();
      try {
        await runJob(job.data.jobId, handlers[queue], { prisma, workerId, shutdown: shutdown.signal });
      } finally {
        active.delete(job.data.jobId);
        void beat();
      }
    });
  }
  const ort = capabilities.onnxruntime.executionProviders.join(", ") || "none";
  const torch = capabilities.python.torch ? `torch ${capabilities.python.torch}` : "no torch";
  console.log(
    `worker ${workerId} ready on ${os.hostname()} (pid ${process.pid}); queues: ${QUEUES.join(", ")}; ` +
      `ORT: ${ort}; CUDA: ${capabilities.cuda.visible ? "yes" : "no"}; ${torch}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (${active.size} job(s) active)`);
    shutdown.abort();
    clearInterval(timer);
    try {
      // Handlers see the abort and release their job; wait for them, then stop polling.
      await boss.stop({ graceful: true, timeout: GRACE_MS, wait: true });
    } catch (err) {
      console.error(`queue stop: ${(err as Error).message}`);
    }
    await markStopped(workerId, prisma).catch(() => {});
    await prisma.$disconnect().catch(() => {});
    console.log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err) => {
  console.error(`worker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
