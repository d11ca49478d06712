/**
 * GPU queues (issue 20) with real worker processes: a training that demands a GPU (fp16, or GPU ids) waits in
 * `train-gpu`, which a CPU-only worker with PyTorch never polls — it stays queued, "waiting for a GPU worker", while
 * that worker takes a CPU training queued after it — and a worker with a GPU slot (WORKER_GPUS=0: a simulated device
 * id, no GPU here; the placement is what is tested) takes it once it starts. A queued GPU job cancels like any other.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as jobRoute from "../../app/api/jobs/[id]/route";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { cancelJob, enqueueExperimentJob } from "../../lib/jobs";
import { unservedQueuedKinds } from "../../lib/workers";
import { until, workerPool } from "../helpers/process";
import { call } from "../helpers/routes";

const pool = workerPool();
const tag = Date.now().toString(36);
const names = { gpu: `gpuq-half-${tag}`, cpu: `gpuq-cpu-${tag}`, doomed: `gpuq-ids-${tag}` };
// earlier files may leave train jobs queued: cancelled, so this file's counts are its own (a worker that still gets one
// from pg-boss skips it: a cancelled job is final)
beforeAll(async () => {
  await db().job.updateMany({ where: { kind: "train", status: "queued" }, data: { status: "cancelled", finishedAt: new Date() } });
});
afterAll(async () => {
  await pool.stopAll();
  await db().experiment.deleteMany({ where: { name: { in: Object.values(names) } } });
});

const heartbeatOf = (pid: number | undefined) =>
  until(async () => db().worker.findFirst({ where: { pid, stoppedAt: null } }), 30_000, `the heartbeat of worker ${pid}`);
const jobRow = (id: string) => db().job.findUniqueOrThrow({ where: { id } });
const bossState = async (id: string) =>
  (await db().$queryRawUnsafe<{ name: string; state: string }[]>(`SELECT name, state::text AS state FROM pgboss.job WHERE id = $1::uuid`, id))[0];
const finished = (id: string, what: string) =>
  until(async () => {
    const j = await jobRow(id);
    return j.status !== "queued" && j.status !== "running" ? j : null;
  }, 90_000, what);

describe("GPU queues", () => {
  it("a CPU-only worker never takes a training that demands a GPU; a worker with a GPU slot does", async () => {
    const cpu = pool.start({ WORKER_GPUS: "none", WORKER_JOBS: "train" });
    await cpu.waitFor(/ready on/, 60_000);
    const cpuRow = await heartbeatOf(cpu.child.pid);
    expect((cpuRow.capabilities as { queues: string[] }).queues).toEqual(["train"]);

    for (const name of Object.values(names)) await createExperiment({ name, sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
    const gpuJob = await enqueueExperimentJob(names.gpu, "train", { precision: "fp16", gpus: [] });
    const doomed = await enqueueExperimentJob(names.doomed, "train", { precision: "auto", gpus: [0] });
    expect((await bossState(gpuJob.id))?.name).toBe("train-gpu");
    expect((await bossState(doomed.id))?.name).toBe("train-gpu");
    // asked for the CPU (auto precision, no GPU ids): the plain queue, queued after the GPU jobs
    const cpuJob = await enqueueExperimentJob(names.cpu, "train", { precision: "fp32", gpus: [] });
    expect((await bossState(cpuJob.id))?.name).toBe("train");

    // the CPU worker takes the CPU training (it fails at once: the experiment has no data) — it has polled since
    const cpuDone = await finished(cpuJob.id, "the CPU training to be taken");
    expect(cpuDone.workerId).toBe(cpuRow.id);
    // …and has left the GPU ones alone
    for (const id of [gpuJob.id, doomed.id]) {
      const j = await jobRow(id);
      expect(j.status).toBe("queued");
      expect(j.attempts).toBe(0);
      expect(j.workerId).toBeNull();
    }

    // the job JSON, the Jobs page and the System page say what it waits for
    const res = await call(jobRoute.GET as never, "GET", { id: gpuJob.id });
    expect(res.status).toBe(200);
    expect(res.body.queue).toMatchObject({ name: "train-gpu", waitingFor: "waiting for a GPU worker with PyTorch" });
    expect(res.body.queue.place).toBeGreaterThanOrEqual(1);
    expect(await unservedQueuedKinds(db())).toContainEqual({ kind: "train", queue: "train-gpu", gpu: true, queued: 2, needs: "torch" });
    expect((await unservedQueuedKinds(db())).map((u) => u.queue)).not.toContain("train");

    // cancelling a queued GPU job: at once, and pg-boss's job in the GPU queue is cancelled too
    const cancelled = await cancelJob(doomed.id);
    expect(cancelled.status).toBe("cancelled");
    expect(await bossState(doomed.id)).toEqual({ name: "train-gpu", state: "cancelled" });
    expect(await unservedQueuedKinds(db())).toContainEqual({ kind: "train", queue: "train-gpu", gpu: true, queued: 1, needs: "torch" });

    const gpu = pool.start({ WORKER_GPUS: "0", WORKER_JOBS: "train" });
    await gpu.waitFor(/ready on/, 60_000);
    expect(gpu.output()).toMatch(/queues: train, train-gpu, webhook/);
    const gpuRow = await heartbeatOf(gpu.child.pid);
    expect((gpuRow.capabilities as { queues: string[]; gpuSlots: number[] }).queues).toEqual(["train", "train-gpu"]);
    const gpuDone = await finished(gpuJob.id, "the GPU training to be taken by the GPU worker");
    expect(gpuDone.workerId).toBe(gpuRow.id);
    // it held the worker's slot while it ran
    const logs = await db().jobEvent.findMany({ where: { jobId: gpuJob.id, kind: "log" } });
    expect(logs.some((e) => /on GPU slot 0 of this worker/.test(e.message ?? ""))).toBe(true);
    expect((await unservedQueuedKinds(db())).map((u) => u.queue)).not.toContain("train-gpu");
    // the cancelled one never ran
    const after = await jobRow(doomed.id);
    expect(after.status).toBe("cancelled");
    expect(after.attempts).toBe(0);
  }, 240_000);
});
