/**
 * Two workers against one Postgres (issue 20): killing the worker that runs a job hands the job to the other one,
 * which runs it again to the end (the reaper of the live worker notices the silent heartbeat; pg-boss retries).
 */
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { enqueueJob } from "../../lib/jobs";
import { liveWorkers } from "../../lib/workers";
import { until, workerPool } from "../helpers/process";

const pool = workerPool();
afterAll(() => pool.stopAll());

describe("hand-over between workers", () => {
  it("SIGKILL the worker running a job: the other worker takes it over and finishes it", async () => {
    const env = { WORKER_JOBS: "selftest", WORKER_HEARTBEAT_SECONDS: "1", WORKER_STALE_SECONDS: "3" };
    const a = pool.start(env);
    const b = pool.start(env);
    await Promise.all([a.waitFor(/ready on/, 60_000), b.waitFor(/ready on/, 60_000)]);
    const job = await enqueueJob({ kind: "selftest", params: { seconds: 6, steps: 12 } });
    const running = await until(async () => {
      const j = await db().job.findUniqueOrThrow({ where: { id: job.id } });
      return j.status === "running" && j.workerId ? j : null;
    }, 30_000, "the job to start");
    const workers = await liveWorkers(db());
    const owner = workers.find((w) => w.id === running.workerId)!;
    const [victim, survivor] = owner.pid === a.child.pid ? [a, b] : [b, a];
    victim.child.kill("SIGKILL");

    const done = await until(async () => {
      const j = await db().job.findUniqueOrThrow({ where: { id: job.id } });
      return j.status === "succeeded" ? j : null;
    }, 90_000, "the job to finish on the other worker");
    const survivorRow = (await liveWorkers(db())).find((w) => w.pid === survivor.child.pid)!;
    expect(done.workerId).toBe(survivorRow.id);
    expect(done.attempts).toBe(2);
    const events = await db().jobEvent.findMany({ where: { jobId: job.id, kind: "status" }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.message).join(" | ")).toMatch(/interrupted.*running again \(attempt 2\)/);
  }, 150_000);
});
