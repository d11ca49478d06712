import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cancelRoute from "../../app/api/jobs/[id]/cancel/route";
import * as jobRoute from "../../app/api/jobs/[id]/route";
import * as selftestRoute from "../../app/api/system/selftest/route";
import { db } from "../../lib/db";
import { cancelJob, enqueueJob } from "../../lib/jobs";
import { createBoss } from "../../lib/queue";
import { reapOrphanedJobs } from "../../worker/reaper";
import { until, workerPool } from "../helpers/process";
import { call } from "../helpers/routes";

const workers = workerPool();
afterAll(async () => {
  workers.killAll();
  await db().$disconnect();
});
const worker = workers.start;

const jobRow = (id: string) => db().job.findUniqueOrThrow({ where: { id } });

const stopAll = workers.stopAll;

/**
 * Self-tests are capped at 3 active: ones left queued or "running" by earlier tests (whose workers are gone) are
 * ended first, so the tests below can queue theirs.
 */
async function endLeftoverSelftests() {
  for (const j of await db().job.findMany({ where: { kind: "selftest", status: { in: ["queued", "running"] } } })) {
    if (j.status === "queued") await cancelJob(j.id);
    else await db().job.update({ where: { id: j.id }, data: { status: "failed", error: "left over by an earlier test", finishedAt: new Date() } });
  }
}
beforeAll(endLeftoverSelftests);

describe("job control", () => {
  it("cancels a queued job at once, and refuses to cancel a finished one", async () => {
    const job = await enqueueJob({ kind: "selftest", params: { seconds: 1, steps: 2 } });
    const res = await call(cancelRoute.POST as never, "POST", { id: job.id });
    expect(res.status).toBe(202);
    expect(res.body.job.status).toBe("cancelled");
    const again = await call(cancelRoute.POST as never, "POST", { id: job.id });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("job_finished");
    expect((await call(cancelRoute.POST as never, "POST", { id: "nope" })).status).toBe(404);
  });

  it("re-queues a dead worker's job even when pg-boss already let go of it (expired, then completed)", async () => {
    const job = await enqueueJob({ kind: "selftest", params: { seconds: 1, steps: 2 } });
    const boss = createBoss(process.env.DATABASE_URL!, "setup");
    await boss.start();
    try {
      // as if pg-boss expired it and a second delivery took it and completed it
      const [fetched] = await boss.fetch("selftest");
      expect(fetched?.id).toBe(job.id);
      await boss.complete("selftest", job.id);
      expect((await boss.getJobById("selftest", job.id))?.state).toBe("completed");
      await db().worker.create({ data: { id: "gone-worker", host: "h", pid: 2, lastSeenAt: new Date(Date.now() - 600_000) } });
      await db().job.update({ where: { id: job.id }, data: { status: "running", workerId: "gone-worker", attempts: 1 } });
      expect(await reapOrphanedJobs(db(), boss, "me", 10)).toEqual([job.id]);
      const row = await jobRow(job.id);
      expect(row.status).toBe("queued");
      expect(row.bossId).not.toBe(job.id);
      const fresh = await boss.getJobById("selftest", row.bossId!);
      expect(fresh?.state).toBe("created");
      expect((fresh?.data as { jobId: string }).jobId).toBe(job.id);
      await boss.cancel("selftest", row.bossId!);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it("validates self-test parameters", async () => {
    const bad = await call(selftestRoute.POST as never, "POST", {}, { seconds: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_seconds");
  });

  it("ends a running job as cancelled within a second of the request", async () => {
    const w = worker();
    await w.waitFor(/ready on/, 60_000);
    await endLeftoverSelftests();
    const { body } = await call(selftestRoute.POST as never, "POST", {}, { seconds: 60, steps: 600 });
    const id = body.job.id as string;
    await until(async () => (await jobRow(id)).progress > 0, 20_000, "the self-test to make progress");
    const asked = Date.now();
    await cancelJob(id);
    const done = await until(async () => {
      const j = await jobRow(id);
      return j.status === "cancelled" ? j : null;
    }, 5_000, "cancelled");
    const took = done.finishedAt!.getTime() - asked;
    expect(took).toBeLessThan(1000);
    expect(done.error).toBeNull();
    const last = await db().jobEvent.findFirstOrThrow({ where: { jobId: id, kind: "status" }, orderBy: { id: "desc" } });
    expect(last.message).toBe("cancelled by the user");
    await stopAll();
  }, 90_000);

  it("hands the job of a SIGKILLed worker back to the queue, runs it again, and says so", async () => {
    const a = worker();
    await a.waitFor(/ready on/, 60_000);
    await endLeftoverSelftests();
    const { body } = await call(selftestRoute.POST as never, "POST", {}, { seconds: 6, steps: 60 });
    const id = body.job.id as string;
    await until(async () => (await jobRow(id)).progress > 0.1, 20_000, "progress on worker A");
    const first = await jobRow(id);
    a.child.kill("SIGKILL");
    await a.exit();

    const b = worker({ WORKER_STALE_SECONDS: "3" });
    await b.waitFor(/ready on/, 60_000);
    const done = await until(async () => {
      const j = await jobRow(id);
      return j.status === "succeeded" ? j : null;
    }, 60_000, "the job to finish on worker B");
    expect(done.attempts).toBe(2);
    expect(done.workerId).not.toBe(first.workerId);
    const statuses = (await db().jobEvent.findMany({ where: { jobId: id, kind: "status" }, orderBy: { id: "asc" } })).map((e) => e.message);
    expect(statuses.some((m) => /^interrupted: its worker .* stopped heart-beating/.test(m ?? ""))).toBe(true);
    expect(statuses).toContain("running again (attempt 2) after an interruption");
    expect(statuses.at(-1)).toBe("succeeded");
    const api = await call(jobRoute.GET as never, "GET", { id });
    expect(api.body).toMatchObject({ status: "succeeded", attempts: 2 });
    await stopAll();
  }, 120_000);
});
