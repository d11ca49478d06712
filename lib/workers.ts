/** Worker heartbeats: each worker process upserts its row every few seconds; the UI lists the fresh ones. */
import { KIND_NEEDS, queueFor, type Need } from "./placement";
import { GPU_QUEUE_KINDS, kindOfQueue, QUEUES, type QueueName } from "./queue";
import { db, type Db } from "./db";
import { config } from "./config";

/** What a worker reports about itself (probed once at start by worker/capabilities.ts). */
export interface Capabilities {
  host: string;
  pid: number;
  node: string;
  platform: string;
  cpus: number;
  memoryBytes: number;
  onnxruntime: { version: string | null; executionProviders: string[]; available: string[]; error?: string };
  cuda: { visible: boolean; gpus: { name: string; memoryMiB: number | null }[]; source: string };
  python: {
    executable: string;
    version: string | null;
    torch: string | null;
    torchCuda: boolean | null;
    error?: string;
    /** how it was chosen (lib/python.ts): from PYTHON, or the first candidate that imports torch */
    source?: "PYTHON" | "auto";
    passedOver?: { executable: string; reason: string }[];
  };
  /** the job kinds (queues) this worker takes (lib/placement.ts); absent in heartbeats of older workers */
  serves?: string[];
  /** its GPU slots (device ids; worker/slots.ts) */
  gpuSlots?: number[];
  /** the pg-boss queues it polls: its kinds' and, with GPU slots, their GPU queues (lib/placement.ts queuesPolled) */
  queues?: string[];
}

export interface HeartbeatState {
  id: string;
  host: string;
  pid: number;
  busy: boolean;
  currentJobId: string | null;
  capabilities: Record<string, unknown>;
}

export async function heartbeat(state: HeartbeatState, prisma: Db = db()): Promise<void> {
  const { id, ...rest } = state;
  const now = new Date();
  await prisma.worker.upsert({
    where: { id },
    create: { id, ...rest, capabilities: rest.capabilities as object, startedAt: now, lastSeenAt: now },
    update: { ...rest, capabilities: rest.capabilities as object, lastSeenAt: now, stoppedAt: null },
  });
}

export async function markStopped(id: string, prisma: Db = db()): Promise<void> {
  await prisma.worker.updateMany({ where: { id }, data: { stoppedAt: new Date(), busy: false, currentJobId: null } });
}

/** Workers that heart-beat within the stale window and have not said they stopped. */
export async function liveWorkers(prisma: Db = db(), staleSeconds = config().workerStaleSeconds) {
  const since = new Date(Date.now() - staleSeconds * 1000);
  const rows = await prisma.worker.findMany({
    where: { lastSeenAt: { gte: since }, stoppedAt: null },
    orderBy: { startedAt: "asc" },
  });
  return rows.map((w) => ({
    id: w.id,
    host: w.host,
    pid: w.pid,
    lastSeenAt: w.lastSeenAt,
    startedAt: w.startedAt,
    busy: w.busy,
    currentJobId: w.currentJobId,
    capabilities: w.capabilities,
  }));
}

export interface UnservedQueue {
  kind: QueueName;
  /** the pg-boss queue they wait in: the kind's, or its GPU queue (`<kind>-gpu`) */
  queue: string;
  /** they demand a GPU: only a worker with GPU slots takes them */
  gpu: boolean;
  queued: number;
  /** what a worker needs to run the kind (KIND_NEEDS) */
  needs: Need;
}

/**
 * Queued jobs that no live worker takes (issue 20): per pg-boss queue, how many wait and why — the kind is taken by
 * no live worker (`needs`), or the jobs demand a GPU (`gpu`) and no live worker with GPU slots takes the kind. A worker
 * reports the queues it polls; one from before the GPU queues polls its kinds' own only, and one from before placement
 * (no `serves`) every kind's.
 */
export async function unservedQueuedKinds(prisma: Db = db()): Promise<UnservedQueue[]> {
  const gpuKinds: QueueName[] = [...GPU_QUEUE_KINDS];
  const [workers, plain, mayNeedGpu] = await Promise.all([
    liveWorkers(prisma),
    prisma.job.groupBy({ by: ["kind"], where: { status: "queued", kind: { notIn: gpuKinds } }, _count: { _all: true } }),
    // which queue a job of these kinds is in follows from its params (queueFor)
    prisma.job.findMany({ where: { status: "queued", kind: { in: gpuKinds } }, select: { kind: true, params: true } }),
  ]);
  const served = new Set<string>();
  for (const w of workers) {
    const c = w.capabilities as Partial<Capabilities> | null;
    for (const q of c?.queues ?? c?.serves ?? QUEUES) served.add(q);
  }
  const counts = new Map<string, number>(plain.map((q) => [q.kind, q._count._all]));
  for (const j of mayNeedGpu) {
    const queue = queueFor(j.kind, j.params);
    counts.set(queue, (counts.get(queue) ?? 0) + 1);
  }
  return [...counts]
    .filter(([queue]) => !served.has(queue))
    .map(([queue, queued]) => {
      const { kind, gpu } = kindOfQueue(queue)!;
      return { kind, queue, gpu, queued, needs: KIND_NEEDS[kind] };
    });
}
