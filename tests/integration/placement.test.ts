/**
 * Placement with real worker processes against one Postgres (issue 20): a worker without PyTorch never takes a
 * training job, which waits (the System page says why) until a worker that can run it starts; WORKER_JOBS narrows a
 * worker to the kinds it names, and an unknown kind stops it at start with exit code 2.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { enqueueExperimentJob } from "../../lib/jobs";
import { liveWorkers, unservedQueuedKinds } from "../../lib/workers";
import { startTs, until, workerPool } from "../helpers/process";

const pool = workerPool();
// earlier files may leave train jobs queued (no worker ran them): cancelled, so this file's count and turn are its own
// (a worker that still gets one from pg-boss skips it: a cancelled job is final)
beforeAll(async () => {
  await db().job.updateMany({ where: { kind: "train", status: "queued" }, data: { status: "cancelled", finishedAt: new Date() } });
});
afterAll(async () => {
  await pool.stopAll();
  await db().experiment.deleteMany({ where: { name: "placement-exp" } });
});

const heartbeatOf = (pid: number | undefined) =>
  until(async () => (await liveWorkers(db())).find((w) => w.pid === pid), 30_000, `the heartbeat of worker ${pid}`);

describe("placement", () => {
  it("a training job waits for a worker with PyTorch; the one without never takes it", async () => {
    // no Python at that path: this worker has no torch
    const noTorch = pool.start({ PYTHON: "/nonexistent/python3" });
    await noTorch.waitFor(/ready on/, 60_000);
    expect(noTorch.output()).toMatch(/leaves [^\n]*train[^\n]*needs PyTorch/);
    const a = await heartbeatOf(noTorch.child.pid);
    expect((a.capabilities as { serves: string[] }).serves).not.toContain("train");
    expect((a.capabilities as { serves: string[] }).serves).toContain("selftest");

    await createExperiment({ name: "placement-exp", sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
    const job = await enqueueExperimentJob("placement-exp", "train", {});
    // it polls its queues every second: give it several chances to take the job wrongly
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await db().job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("queued");
    expect(await unservedQueuedKinds(db())).toContainEqual({ kind: "train", queue: "train", gpu: false, queued: 1, needs: "torch" });

    const withTorch = pool.start({ WORKER_JOBS: "train" });
    await withTorch.waitFor(/ready on/, 60_000);
    expect(withTorch.output()).toMatch(/takes train; leaves [^\n]*not in WORKER_JOBS/);
    const b = await heartbeatOf(withTorch.child.pid);
    expect((b.capabilities as { serves: string[] }).serves).toEqual(["train"]);
    // the experiment has no data, so the training fails at once — taken by the right worker
    const done = await until(async () => {
      const j = await db().job.findUniqueOrThrow({ where: { id: job.id } });
      return j.status !== "queued" && j.status !== "running" ? j : null;
    }, 60_000, "the train job to be taken and finish");
    expect(done.workerId).toBe(b.id);
    expect(await unservedQueuedKinds(db())).toEqual([]);
  }, 150_000);

  it("an unknown kind in WORKER_JOBS stops the worker at start with the list of kinds", async () => {
    const p = startTs("worker/main.ts", { ...process.env, WORKER_JOBS: "train,trian" });
    expect(await p.exit()).toBe(2);
    expect(p.output()).toMatch(/WORKER_JOBS: unknown job kind "trian"; the kinds are preprocess, extract, train/);
  }, 60_000);
});
