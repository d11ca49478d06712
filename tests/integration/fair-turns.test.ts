/**
 * Fair turns (issue 20) with a real worker: one user's burst of 20 jobs does not hold up another user's job by more
 * than one turn. Built on pg-boss's priority (lib/jobs.ts: an owner's queued jobs of a kind go first, so each new one
 * waits behind them), not on a dispatcher of our own. Before a worker starts, each job's place in line (Jobs page).
 */
import { afterAll, describe, expect, it } from "vitest";
import { runAs } from "../../lib/auth/context";
import { createUser } from "../../lib/auth/users";
import { db } from "../../lib/db";
import { enqueueJob } from "../../lib/jobs";
import { queueStandings } from "../../lib/queue-position";
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

    // what the Jobs page shows before a worker runs: each job's place as pg-boss will hand them out, and why they wait
    const standing = await queueStandings(ids);
    expect(standing.get(ids[0]!)!.place).toBe(1);
    expect(standing.get(theirs.id)!.place).toBe(2);
    expect(standing.get(ids[1]!)!.place).toBe(3);
    expect(standing.get(ids[19]!)!.place).toBe(21);
    expect(standing.get(theirs.id)!.waitingFor).toBe("waiting for a worker that takes this kind");

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
