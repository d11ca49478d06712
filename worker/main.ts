/**
 * The worker process: takes jobs from the pg-boss queues, runs them, heart-beats its capabilities
 * into the Worker table, hands back jobs of dead workers, aborts jobs the user cancels, and on
 * SIGINT/SIGTERM releases (or finishes) its jobs before it exits.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { config, requireDatabaseUrl } from "../lib/config";
import { db } from "../lib/db";
import { continuePipeline } from "../lib/jobs";
import { JOB_CANCEL_CHANNEL } from "../lib/job-events";
import { listen } from "../lib/pg-listen";
import { createBoss, QUEUES, type QueuePayload } from "../lib/queue";
import { heartbeat, markStopped } from "../lib/workers";
import { probeCapabilities } from "./capabilities";
import { handlers } from "./handlers";
import { reapOrphanedJobs } from "./reaper";
import { CANCELLED, runJob } from "./runner";

const GRACE_MS = 20_000;

async function main() {
  // Signals that arrive while the worker is still starting are kept and honoured once it is up,
  // so even an early Ctrl-C ends in an orderly stop (heartbeat row marked stopped, nothing left running).
  let stopNow: ((signal: string) => Promise<void>) | undefined;
  let pendingSignal: string | undefined;
  const onSignal = (signal: string) => (stopNow ? void stopNow(signal) : (pendingSignal ??= signal));
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  const cfg = config();
  const databaseUrl = requireDatabaseUrl();
  const prisma = db();
  const workerId = randomUUID();
  const shutdown = new AbortController();
  /** running jobs → the controller that cancels each */
  const active = new Map<string, AbortController>();
  const cancel = (jobId: string) => active.get(jobId)?.abort(CANCELLED);

  const capabilities = await probeCapabilities(cfg.python);
  const beat = () =>
    heartbeat(
      {
        id: workerId,
        host: os.hostname(),
        pid: process.pid,
        busy: active.size > 0,
        currentJobId: [...active.keys()][0] ?? null,
        capabilities: capabilities as unknown as Record<string, unknown>,
      },
      prisma,
    ).catch((err) => console.error(`heartbeat failed: ${(err as Error).message}`));
  await beat();

  // Cancel requests arrive by NOTIFY at once; the tick below also reads them from the table,
  // so one sent while the listener was reconnecting is not lost.
  const cancels = listen({
    url: databaseUrl,
    channels: [JOB_CANCEL_CHANNEL],
    applicationName: "voice-studio-worker-cancel",
    onNotify: (_ch, jobId) => cancel(jobId),
  });
  await cancels.ready;

  const boss = createBoss(databaseUrl, "worker");
  await boss.start();

  const tick = async () => {
    await beat();
    if (active.size > 0) {
      const wanted = await prisma.job.findMany({
        where: { id: { in: [...active.keys()] }, cancelRequestedAt: { not: null } },
        select: { id: true },
      });
      for (const j of wanted) cancel(j.id);
    }
    const reaped = await reapOrphanedJobs(prisma, boss, workerId, cfg.workerStaleSeconds);
    for (const id of reaped) console.warn(`job ${id}: its worker stopped heart-beating; handed back to the queue`);
  };
  const timer = setInterval(() => void tick().catch((err) => console.error(`tick: ${(err as Error).message}`)), cfg.heartbeatSeconds * 1000);

  for (const queue of QUEUES) {
    await boss.work<QueuePayload>(queue, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
      if (!job) return;
      const controller = new AbortController();
      active.set(job.data.jobId, controller);
      void beat();
      try {
        await runJob(job.data.jobId, handlers[queue], {
          prisma,
          workerId,
          shutdown: shutdown.signal,
          cancel: controller,
          staleSeconds: cfg.workerStaleSeconds,
          onSucceeded: (done) => continuePipeline(done, prisma),
        });
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
    await cancels.close();
    await markStopped(workerId, prisma).catch(() => {});
    await prisma.$disconnect().catch(() => {});
    console.log("stopped");
    process.exit(0);
  };
  stopNow = stop;
  if (pendingSignal) await stop(pendingSignal);
}

main().catch((err) => {
  console.error(`worker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
