import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { enqueueExperimentJob } from "../../lib/jobs";
import { liveWorkers } from "../../lib/workers";
import { ReleasedJob, runJob } from "../../worker/runner";
import { startTs, until } from "../helpers/process";

afterAll(async () => {
  await db().$disconnect();
});

describe("worker process", () => {
  it("heart-beats its capabilities, fails a job it cannot do visibly, and stops cleanly on SIGTERM", async () => {
    const worker = startTs("worker/main.ts", { ...process.env, WORKER_HEARTBEAT_SECONDS: "1" });
    try {
      await worker.waitFor(/ready on/, 60_000);
      const live = await until(async () => {
        const ws = await liveWorkers(db(), 10);
        return ws.find((w) => w.pid === worker.child.pid);
      }, 10_000, "the worker's heartbeat row");
      const caps = live.capabilities as Record<string, any>;
      expect(caps.host).toBe(live.host);
      expect(caps.pid).toBe(worker.child.pid);
      expect(caps.onnxruntime.executionProviders).toContain("cpu");
      expect(typeof caps.cuda.visible).toBe("boolean");
      expect(caps.python).toHaveProperty("torch");

      // the heartbeat keeps moving
      const first = live.lastSeenAt.getTime();
      await until(async () => {
        const w = await db().worker.findUnique({ where: { id: live.id } });
        return w && w.lastSeenAt.getTime() > first;
      }, 5_000, "a second heartbeat");

      await createExperiment({ name: "worker-exp", sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
      // a convert job whose conversion row does not exist: a permanent failure, reported, not retried
      const job = await enqueueExperimentJob("worker-exp", "convert", {});
      const done = await until(async () => {
        const j = await db().job.findUnique({ where: { id: job.id } });
        return j && j.status === "failed" ? j : null;
      }, 20_000, "the job to fail");
      expect(done.error).toBe("the conversion was deleted");
      expect(done.attempts).toBe(1);
      expect(done.workerId).toBe(live.id);
      expect(done.startedAt).toBeInstanceOf(Date);
      const events = await db().jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
      expect(events.map((e) => [e.kind, e.message])).toEqual([
        ["status", "queued"],
        ["status", "running"],
        ["status", "the conversion was deleted"],
      ]);

      worker.child.kill("SIGTERM");
      expect(await worker.exit()).toBe(0);
      const row = await db().worker.findUniqueOrThrow({ where: { id: live.id } });
      expect(row.stoppedAt).toBeInstanceOf(Date);
      expect((await liveWorkers(db(), 10)).some((w) => w.id === live.id)).toBe(false);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    }
  }, 120_000);
});

describe("worker start-up", () => {
  it("stops cleanly when the signal comes while it is still starting", async () => {
    const worker = startTs("worker/main.ts", { ...process.env, WORKER_HEARTBEAT_SECONDS: "1" });
    // the capability probe (Python, torch) takes seconds: stop as soon as the heartbeat row exists
    const row = await until(async () => db().worker.findFirst({ where: { pid: worker.child.pid } }), 30_000, "the first heartbeat");
    worker.child.kill("SIGTERM");
    expect(await worker.exit()).toBe(0);
    expect(worker.output()).toMatch(/stopped/);
    expect((await db().worker.findUniqueOrThrow({ where: { id: row.id } })).stoppedAt).toBeInstanceOf(Date);
  }, 60_000);
});

describe("job runner", () => {
  async function newJob(name: string) {
    const exp = await createExperiment({ name, sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
    return db().job.create({ data: { kind: "train", experimentId: exp.id } });
  }

  it("releases a running job back to the queue when the worker shuts down", async () => {
    const job = await newJob("runner-release");
    const shutdown = new AbortController();
    const running = runJob(
      job.id,
      ({ signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
      { prisma: db(), workerId: "w-test", shutdown: shutdown.signal },
    );
    await until(async () => (await db().job.findUnique({ where: { id: job.id } }))?.status === "running", 5000, "running");
    shutdown.abort();
    await expect(running).rejects.toBeInstanceOf(ReleasedJob);
    const after = await db().job.findUniqueOrThrow({ where: { id: job.id } });
    expect(after.status).toBe("queued");
    expect(after.workerId).toBeNull();
    expect(after.attempts).toBe(1);
  });

  it("records success with its result, and failure with the error text", async () => {
    const ok = await newJob("runner-ok");
    await runJob(ok.id, async () => ({ files: 3 }), { prisma: db(), workerId: "w", shutdown: new AbortController().signal });
    expect(await db().job.findUniqueOrThrow({ where: { id: ok.id } })).toMatchObject({ status: "succeeded", progress: 1, result: { files: 3 } });

    const bad = await newJob("runner-bad");
    await runJob(bad.id, async () => {
      throw new Error("disk full");
    }, { prisma: db(), workerId: "w", shutdown: new AbortController().signal });
    const failed = await db().job.findUniqueOrThrow({ where: { id: bad.id } });
    expect(failed).toMatchObject({ status: "failed", error: "disk full" });
    expect(failed.finishedAt).toBeInstanceOf(Date);
  });

  it("ignores a second delivery of a job its live owner is still running, and takes it over from a dead one", async () => {
    const job = await newJob("runner-duplicate");
    const owner = await db().worker.create({ data: { id: "owner-alive", host: "h", pid: 1, lastSeenAt: new Date() } });
    await db().job.update({ where: { id: job.id }, data: { status: "running", workerId: owner.id, attempts: 1 } });
    let ran = 0;
    const handler = async () => {
      ran++;
    };
    await runJob(job.id, handler, { prisma: db(), workerId: "second", shutdown: new AbortController().signal, staleSeconds: 10 });
    expect(ran).toBe(0);
    expect(await db().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "running", workerId: owner.id });

    await db().worker.update({ where: { id: owner.id }, data: { lastSeenAt: new Date(Date.now() - 60_000) } });
    await runJob(job.id, handler, { prisma: db(), workerId: "second", shutdown: new AbortController().signal, staleSeconds: 10 });
    expect(ran).toBe(1);
    expect(await db().job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "succeeded", workerId: "second", attempts: 2 });
  });

  it("does not run a job that was cancelled while queued", async () => {
    const job = await newJob("runner-cancelled");
    await db().job.update({ where: { id: job.id }, data: { status: "cancelled" } });
    let ran = false;
    await runJob(job.id, async () => {
      ran = true;
    }, { prisma: db(), workerId: "w", shutdown: new AbortController().signal });
    expect(ran).toBe(false);
  });
});
