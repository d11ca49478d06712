/**
 * The worker process: takes jobs from the pg-boss queues, runs them, heart-beats its capabilities
 * into the Worker table, hands back jobs of dead workers, aborts jobs the user cancels, and on
 * SIGINT/SIGTERM releases (or finishes) its jobs before it exits.
 *
 * It rides out a Postgres restart: every database call (heartbeat, queue polls, job bookkeeping,
 * pg-boss's own maintenance) is caught; connection errors are reported once through `DbOutage`
 * and retried until the database is back. A job whose bookkeeping failed for want of a connection
 * is handed back to the queue once the database answers again, and runs again like any
 * interrupted job.
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import os from "node:os";
import type PgBoss from "pg-boss";
import { config, requireDatabaseUrl } from "../lib/config";
import { db } from "../lib/db";
import { DbOutage, isConnectionError } from "../lib/db-outage";
import { continuePipeline } from "../lib/jobs";
import { appendJobEvent, JOB_CANCEL_CHANNEL } from "../lib/job-events";
import { listen, type Listener } from "../lib/pg-listen";
import { createBoss, kindOfQueue, WEBHOOK_QUEUE, type JobQueue, type QueueName, type QueuePayload, type WebhookPayload } from "../lib/queue";
import { heartbeat, markStopped } from "../lib/workers";
import { probeCapabilities } from "./capabilities";
import { describePlacement, KIND_GPU, PARALLEL_ON_SLOTS, parseWorkerJobs, placement, queuesPolled, slotsNeeded } from "../lib/placement";
import { DeviceSlots, parseWorkerGpus } from "./slots";
import { checkDataRoot, DataRootMismatch } from "../lib/data-root";
import { handlers } from "./handlers";
import { reapOrphanedJobs } from "./reaper";
import { CANCELLED, ReleasedJob, runJob } from "./runner";
import { describePythonChoice, noTorchMessage, pythonChoice } from "../lib/python";
import { processWebhookJob, WEBHOOK_CONCURRENCY } from "./webhooks";

const GRACE_MS = 20_000;
const POLL_MS = 1000;
const RETRY_MAX_MS = 10_000;

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

const message = (err: unknown) => (err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? err));

async function main() {
  // Signals that arrive while the worker is still starting (which may mean waiting for the database)
  // end the start-up and then the same orderly stop (heartbeat row marked stopped, nothing left running).
  const shutdown = new AbortController();
  // every queue's poll loop, the webhook loop and each running job listen to it: more than Node's default 10
  setMaxListeners(64, shutdown.signal);
  let stopNow: ((signal: string) => Promise<void>) | undefined;
  let pendingSignal: string | undefined;
  const onSignal = (signal: string) => {
    if (stopNow) return void stopNow(signal);
    pendingSignal ??= signal;
    shutdown.abort();
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  const outage = new DbOutage((line) => console.warn(line));
  // Libraries sometimes let a query's promise go unawaited; while the database is away such a
  // rejection is part of the outage, not a reason to die. Anything else keeps Node's default.
  process.on("unhandledRejection", (reason) => {
    if (outage.failed("background query", reason)) return;
    console.error("worker: unhandled rejection:", reason);
    process.exit(1);
  });
  /** Report a failed database call: once per outage for connection errors, else one line. */
  const failed = (what: string, err: unknown) => {
    if (!outage.failed(what, err)) console.error(`${what}: ${message(err)}`);
  };
  /** Run `fn` until it succeeds, while the failure is a lost connection and the worker is not stopping. */
  const retry = async (what: string, fn: () => Promise<unknown>, untilStopping = true): Promise<boolean> => {
    for (let delay = POLL_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      try {
        await fn();
        outage.ok();
        return true;
      } catch (err) {
        failed(what, err);
        if (!isConnectionError(err) || (untilStopping && shutdown.signal.aborted)) return false;
        await sleep(delay, untilStopping ? shutdown.signal : new AbortController().signal);
      }
    }
  };

  const cfg = config();
  let wanted: QueueName[] | undefined;
  try {
    wanted = parseWorkerJobs(cfg.workerJobs);
  } catch (err) {
    console.error(`worker: ${message(err)}`);
    process.exit(2);
  }
  const databaseUrl = requireDatabaseUrl();
  const prisma = db();
  const workerId = randomUUID();
  /** running jobs → the controller that cancels each */
  const active = new Map<string, AbortController>();
  /** pg-boss jobs being worked on: id → queue */
  const delivered = new Map<string, JobQueue>();
  const cancel = (jobId: string) => active.get(jobId)?.abort(CANCELLED);

  const python = await pythonChoice();
  const probed = await probeCapabilities(python.executable, python);
  // the queues this worker polls: what it can run, within WORKER_JOBS (lib/placement.ts); reported in its heartbeat
  const place = placement(probed, wanted);
  let gpuIds: number[];
  try {
    gpuIds = parseWorkerGpus(cfg.workerGpus, probed.cuda.visible ? probed.cuda.gpus.map((_, i) => i) : []);
  } catch (err) {
    console.error(`worker: ${message(err)}`);
    process.exit(2);
  }
  const slots = new DeviceSlots(gpuIds);
  // with GPU slots it also polls the GPU queues of its kinds (jobs that demand a GPU); a CPU-only worker never sees them
  const queues = queuesPolled(place.serves, gpuIds.length);
  const capabilities = { ...probed, serves: place.serves, gpuSlots: gpuIds, queues };
  if (gpuIds.length) console.log(`worker: GPU slots ${gpuIds.join(", ")}: up to ${gpuIds.length} GPU job(s) at once, one per device`);
  console.log(`worker: ${describePlacement(place)}`);
  const beat = async () => {
    try {
      await heartbeat(
        {
          id: workerId,
          host: os.hostname(),
          pid: process.pid,
          busy: active.size > 0,
          currentJobId: [...active.keys()][0] ?? null,
          capabilities: capabilities as unknown as Record<string, unknown>,
        },
        prisma,
      );
      outage.ok();
    } catch (err) {
      failed("heartbeat", err);
    }
  };

  let cancels: Listener | undefined;
  let boss: PgBoss | undefined;
  let timer: NodeJS.Timeout | undefined;
  const pollers: Promise<void>[] = [];

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (${active.size} job(s) active)`);
    shutdown.abort();
    clearInterval(timer);
    // Handlers see the abort and release their job; the pollers end once theirs is handed back.
    const grace = new Promise<void>((resolve) => setTimeout(resolve, GRACE_MS).unref());
    await Promise.race([Promise.all(pollers), grace]);
    // a handler that did not let go within the grace period: pg-boss delivers its job again
    for (const [id, name] of delivered) await boss?.fail(name, id, { reason: "the worker stopped while it was active" }).catch(() => {});
    try {
      await boss?.stop({ graceful: false, wait: true });
    } catch (err) {
      console.error(`queue stop: ${message(err)}`);
    }
    await cancels?.close();
    await markStopped(workerId, prisma).catch(() => {});
    await prisma.$disconnect().catch(() => {});
    console.log("stopped");
    process.exit(0);
  };

  await beat();
  if (!shutdown.signal.aborted) {
    // Cancel requests arrive by NOTIFY at once; the tick below also reads them from the table,
    // so one sent while the listener was reconnecting is not lost.
    cancels = listen({
      url: databaseUrl,
      channels: [JOB_CANCEL_CHANNEL],
      applicationName: "voice-studio-worker-cancel",
      onNotify: (_ch, jobId) => cancel(jobId),
    });
    await Promise.race([cancels.ready, sleep(2 ** 31 - 1, shutdown.signal)]);
  }
  // pg-boss keeps a failed start half-done; while the database is away, start a fresh one each try.
  for (let delay = POLL_MS; !shutdown.signal.aborted; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
    const candidate = createBoss(databaseUrl, "worker", (err) => failed("queue", err));
    try {
      await candidate.start();
      boss = candidate;
      outage.ok();
      break;
    } catch (err) {
      failed("queue start", err);
      if (!isConnectionError(err)) throw err;
      await candidate.stop({ graceful: false, wait: true }).catch(() => {});
      await sleep(delay, shutdown.signal);
    }
  }
  if (!boss) return stop(pendingSignal ?? "SIGTERM");
  const queue = boss;
  // a worker that does not see the database's DATA_ROOT would fail every job: it refuses to start (lib/data-root.ts)
  try {
    await checkDataRoot(prisma, cfg.dataRoot);
  } catch (err) {
    if (!(err instanceof DataRootMismatch)) throw err;
    console.error(`worker: cannot start: ${err.message}`);
    await queue.stop({ graceful: false, wait: true }).catch(() => {});
    await cancels?.close();
    await markStopped(workerId, prisma).catch(() => {});
    process.exit(1);
  }

  const tick = async () => {
    await beat();
    if (outage.down) return;
    if (active.size > 0) {
      const wanted = await prisma.job.findMany({
        where: { id: { in: [...active.keys()] }, cancelRequestedAt: { not: null } },
        select: { id: true },
      });
      for (const j of wanted) cancel(j.id);
    }
    const reaped = await reapOrphanedJobs(prisma, queue, workerId, cfg.workerStaleSeconds);
    for (const id of reaped) console.warn(`job ${id}: its worker stopped heart-beating; handed back to the queue`);
  };
  timer = setInterval(() => void tick().catch((err) => failed("tick", err)), cfg.heartbeatSeconds * 1000);

  /** The job's own bookkeeping failed for want of a database: once it answers, hand the job back. */
  const handBack = (name: JobQueue, jobId: string, bossId: string) =>
    retry(`job ${jobId}: hand back`, async () => {
      const claimed = await prisma.job.updateMany({
        where: { id: jobId, status: "running", workerId },
        data: { status: "queued", workerId: null, stage: "interrupted" },
      });
      if (claimed.count > 0) {
        await appendJobEvent(jobId, {
          kind: "status",
          level: "warn",
          message: "interrupted: the worker lost its database connection; the job goes back to the queue",
          data: { status: "queued", interrupted: true },
        }, prisma);
      }
      await queue.fail(name, bossId, { reason: "the worker lost its database connection" });
    });

  const runOne = async (name: JobQueue, kind: QueueName, job: PgBoss.Job<QueuePayload>, devices: number[]) => {
    const { jobId } = job.data;
    const controller = new AbortController();
    active.set(jobId, controller);
    delivered.set(job.id, name);
    void beat();
    let outcome: "done" | "released" | "lost" = "done";
    try {
      await runJob(jobId, handlers[kind], {
        prisma,
        workerId,
        shutdown: shutdown.signal,
        cancel: controller,
        staleSeconds: cfg.workerStaleSeconds,
        onSucceeded: (done) => continuePipeline(done, prisma),
        devices,
      });
    } catch (err) {
      if (err instanceof ReleasedJob) outcome = "released";
      else if (isConnectionError(err)) {
        outcome = "lost";
        failed(`job ${jobId}`, err);
      } else {
        // runJob records handler failures itself; this is its own bookkeeping failing otherwise
        console.error(`job ${jobId}: ${message(err)}`);
        outcome = "released";
      }
    } finally {
      active.delete(jobId);
      void beat();
    }
    // Tell pg-boss: done (our Job row holds the outcome), or failed so that it delivers it again.
    if (outcome === "done") await retry(`job ${jobId}: complete`, () => queue.complete(name, job.id));
    else if (outcome === "released") await retry(`job ${jobId}: release`, () => queue.fail(name, job.id, { reason: "released" }), false);
    else await handBack(name, jobId, job.id);
    delivered.delete(job.id);
  };

  // One poll loop per queue, one job at a time each (pg-boss's own `work` loop leaves its
  // complete/fail calls unawaited, which would be unhandled rejections while Postgres is away).
  // With GPU slots (worker/slots.ts), training and the self-test have one loop per slot (PARALLEL_ON_SLOTS), and a loop
  // of a GPU kind holds a free slot before it fetches,
  // so a host with N GPUs runs up to N GPU jobs at once, never two on one device; a job that needs more slots
  // (multi-GPU training, a self-test that asks for one) waits for them in line after it is fetched.
  // A kind's GPU queue is polled like its own and its jobs run by the kind's handler.
  const pollOnce = async (name: JobQueue, kind: QueueName) => {
    const pre = KIND_GPU[kind] === "always" && slots.size > 0 ? slots.tryAcquire(1) : [];
    if (pre === null) return false; // every slot busy: look again later
    let job: PgBoss.Job<QueuePayload> | undefined;
    try {
      // pg-boss 10's fetch answers [] when its query fails, so it proves nothing about the database
      [job] = await queue.fetch<QueuePayload>(name, { batchSize: 1 });
    } catch (err) {
      failed(`fetch ${name}`, err);
    }
    if (!job) {
      if (pre.length) slots.release(pre);
      return false;
    }
    let held = pre;
    if (slots.size > 0) {
      const row = await prisma.job.findUnique({ where: { id: job.data.jobId }, select: { params: true } }).catch(() => null);
      const need = slotsNeeded(kind, row?.params, slots.size);
      if (need < held.length) {
        slots.release(held.slice(need));
        held = held.slice(0, need);
      } else if (need > held.length) {
        try {
          held = [...held, ...(await slots.acquire(need - held.length, shutdown.signal))];
        } catch {
          // stopping while it waited for its slots: hand it back untouched (pg-boss delivers it again)
          if (held.length) slots.release(held);
          await retry(`job ${job.data.jobId}: release`, () => queue.fail(name, job.id, { reason: "the worker stopped" }), false);
          return true;
        }
      }
    }
    try {
      await runOne(name, kind, job, held);
    } finally {
      if (held.length) slots.release(held);
    }
    return true;
  };
  for (const name of queues) {
    const kind = kindOfQueue(name)!.kind;
    const loops = PARALLEL_ON_SLOTS.has(kind) && slots.size > 0 ? slots.size : 1;
    for (let i = 0; i < loops; i++) {
      pollers.push((async () => {
        while (!shutdown.signal.aborted) {
          if (!(await pollOnce(name, kind))) await sleep(POLL_MS, shutdown.signal);
        }
      })());
    }
  }
  // Webhook deliveries: one poll loop keeps up to WEBHOOK_CONCURRENCY messages on their way (a slow receiver holds up
  // one slot); a failed attempt fails the pg-boss job, which retries it with back-off.
  const deliverOne = async (job: PgBoss.JobWithMetadata<WebhookPayload>) => {
    try {
      await processWebhookJob(queue, job, { prisma, timeoutSeconds: cfg.webhookTimeoutSeconds, shutdown: shutdown.signal });
      outage.ok();
    } catch (err) {
      // our own bookkeeping failed (database away): pg-boss delivers the message again; its pending row is reused
      failed(`webhook ${job.data.messageId}`, err);
      await retry(`webhook ${job.data.messageId}: release`, () => queue.fail(WEBHOOK_QUEUE, job.id, { reason: "bookkeeping failed" }), false);
    }
  };
  pollers.push((async () => {
    const inFlight = new Set<Promise<void>>();
    while (!shutdown.signal.aborted) {
      const free = WEBHOOK_CONCURRENCY - inFlight.size;
      let jobs: PgBoss.JobWithMetadata<WebhookPayload>[] = [];
      if (free > 0) {
        try {
          jobs = await queue.fetch<WebhookPayload>(WEBHOOK_QUEUE, { batchSize: free, includeMetadata: true });
        } catch (err) {
          failed(`fetch ${WEBHOOK_QUEUE}`, err);
        }
      }
      for (const job of jobs) {
        const p: Promise<void> = deliverOne(job).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      // all slots busy: wait for one to free; nothing new: wait for the next poll
      if (inFlight.size >= WEBHOOK_CONCURRENCY) await Promise.race([...inFlight, sleep(2 ** 31 - 1, shutdown.signal)]);
      else if (jobs.length === 0) await sleep(POLL_MS, shutdown.signal);
    }
    await Promise.all(inFlight);
  })());
  const ort = capabilities.onnxruntime.executionProviders.join(", ") || "none";
  const torch = capabilities.python.torch ? `torch ${capabilities.python.torch}` : "no torch";
  console.log(`worker: Python ${describePythonChoice(python)}`);
  if (!python.torch) console.warn(`worker: ${noTorchMessage(python)}`);
  console.log(
    `worker ${workerId} ready on ${os.hostname()} (pid ${process.pid}); queues: ${[...queues, WEBHOOK_QUEUE].join(", ")}; ` +
      `ORT: ${ort}; CUDA: ${capabilities.cuda.visible ? "yes" : "no"}; ${torch}`,
  );
  stopNow = stop;
  if (pendingSignal) await stop(pendingSignal);
}

main().catch((err) => {
  console.error(`worker failed to start: ${message(err)}`);
  process.exit(1);
});
