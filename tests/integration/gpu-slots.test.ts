/**
 * GPU slots (issue 20) with a real worker process: WORKER_GPUS=0,1 gives it two slots (simulated device ids: no GPU
 * here, the assignment is what is tested). Three self-tests that ask for a slot: two run at once, one on each slot;
 * the third waits for a free one; no two jobs ever hold the same slot at the same time.
 */
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { enqueueJob } from "../../lib/jobs";
import { liveWorkers } from "../../lib/workers";
import { until, workerPool } from "../helpers/process";

const pool = workerPool();
afterAll(() => pool.stopAll());

describe("GPU slots", () => {
  it("two slots run two jobs at once, each on its own slot; a third waits for one", async () => {
    const worker = pool.start({ WORKER_GPUS: "0,1", WORKER_JOBS: "selftest" });
    await worker.waitFor(/ready on/, 60_000);
    expect(worker.output()).toMatch(/GPU slots 0, 1: up to 2 GPU job\(s\) at once/);
    const live = await until(async () => (await liveWorkers(db())).find((w) => w.pid === worker.child.pid), 30_000, "its heartbeat");
    expect((live.capabilities as { gpuSlots: number[] }).gpuSlots).toEqual([0, 1]);

    const jobs: { id: string }[] = [];
    for (let i = 0; i < 3; i++) jobs.push(await enqueueJob({ kind: "selftest", params: { seconds: 4, steps: 8, gpu: true } }));
    const done = await until(async () => {
      const rows = await db().job.findMany({ where: { id: { in: jobs.map((j) => j.id) } } });
      return rows.every((r) => r.status === "succeeded") ? rows : null;
    }, 90_000, "the three self-tests");

    const runs = done.map((r) => ({ device: ((r.result as { devices: number[] }).devices ?? [])[0], from: r.startedAt!.getTime(), to: r.finishedAt!.getTime() }));
    for (const r of runs) expect([0, 1]).toContain(r.device);
    // never two at once on one slot
    for (const a of runs) for (const b of runs) if (a !== b && a.device === b.device) expect(a.to <= b.from || b.to <= a.from).toBe(true);
    // two at once: the first two overlap; all three at once never (two slots)
    const sorted = [...runs].sort((a, b) => a.from - b.from);
    expect(sorted[1]!.from).toBeLessThan(sorted[0]!.to);
    expect(sorted[2]!.from).toBeGreaterThanOrEqual(Math.min(sorted[0]!.to, sorted[1]!.to) - 50);
    expect(new Set(sorted.slice(0, 2).map((r) => r.device)).size).toBe(2);
    // each job's log says which slot it held
    const logs = await db().jobEvent.findMany({ where: { jobId: jobs[0]!.id, kind: "log" } });
    expect(logs.some((e) => /on GPU slot [01] of this worker/.test(e.message ?? ""))).toBe(true);
  }, 150_000);
});
