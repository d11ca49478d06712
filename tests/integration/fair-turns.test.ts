/**
 * Fair turns (issue 20) with a real worker: one user's burst of 20 jobs does not hold up another user's job by more
 * than one turn. Built on pg-boss's priority (lib/jobs.ts: an owner's queued jobs of a kind go first, so each new one
 * waits behind them), not on a dispatcher of our own.
 */
import { afterAll, describe, expect, it } from "vitest";
import { runAs } from "../../lib/auth/context";
import { createUser } from "../../lib/auth/users";
import { db } from "../../lib/db";
import { enqueueJob } from "../../lib/jobs";
import { until, workerPool } from "../helpers/process";

const pool = workerPool();
const tag = Date.now().toString(36);
const ids: string[] = [];
afterAll(async () => {
  await pool.stopAll();
  await db().job.deleteMany({ where: { id: { in: ids } } });
  await db().user.deleteMany({ where: { name: { in: [`burst-${tag}`, `other-${tag}`] } } });
});

describe("fair turns", () => {
  it("a burst of 20 from one user: another user's job runs within one turn", async () => {
    const burst = await createUser({ name: `burst-${tag}`, password: "burst-password-1", role: "member" });
    const other = await createUser({ name: `other-${tag}`, password: "other-password-1", role: "member" });
    const job = () => enqueueJob({ kind: "selftest", params: { seconds: 0.2, steps: 2 } });
    for (let i = 0; i < 20; i++) ids.push((await runAs(burst.id, job, "member")).id);
    const theirs = await runAs(other.id, job, "member");
    ids.push(theirs.id);

    pool.start({ WORKER_JOBS: "selftest" });
    const rows = await until(async () => {
      const r = await db().job.findMany({ where: { id: { in: ids } } });
      return r.every((j) => j.status === "succeeded") ? r : null;
    }, 120_000, "all 21 self-tests");
    const order = rows.sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime()).map((j) => j.id);
    // without turns it would start 21st; with them it waits for at most the one burst job queued before it
    expect(order.indexOf(theirs.id)).toBeLessThanOrEqual(1);
  }, 180_000);
});
