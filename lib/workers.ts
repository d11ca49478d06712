/** Worker heartbeats: each worker process upserts its row every few seconds; the UI lists the fresh ones. */
import { KIND_NEEDS } from "./placement";
import { isQueueName, QUEUES } from "./queue";
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

/**
 * Queued jobs that no live worker takes (issue 20): per kind, how many wait and why (`KIND_NEEDS`). A worker from
 * before placement (no `serves` in its heartbeat) counts as taking every kind.
 */
export async function unservedQueuedKinds(prisma: Db = db()): Promise<{ kind: string; queued: number; needs: string }[]> {
  const [workers, queued] = await Promise.all([
    liveWorkers(prisma),
    prisma.job.groupBy({ by: ["kind"], where: { status: "queued" }, _count: { _all: true } }),
  ]);
  const served = new Set<string>();
  for (const w of workers) {
    const serves = (w.capabilities as Partial<Capabilities> | null)?.serves;
    for (const k of serves ?? QUEUES) served.add(k);
  }
  return queued
    .filter((q) => !served.has(q.kind))
    .map((q) => ({ kind: q.kind, queued: q._count._all, needs: isQueueName(q.kind) ? KIND_NEEDS[q.kind] : "node" }));
}
