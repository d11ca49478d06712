/**
 * Which jobs a worker takes (issue 20, "capabilities decide placement"). Each job kind needs something of the host:
 * PyTorch (the trainer's Python), onnxruntime (content, pitch and synthesizer models) or nothing beyond Node. A
 * worker works only the pg-boss queues (one per kind) it can run — placement is pg-boss's own: a job waits in its
 * queue until a worker that polls that queue takes it — narrowed further by WORKER_JOBS. Pure.
 */
import type { Capabilities } from "./workers";
import { QUEUES, type QueueName } from "./queue";

export type Need = "torch" | "onnx" | "node";

/** What each job kind needs (a new kind must say: the Record is exhaustive). */
export const KIND_NEEDS: Record<QueueName, Need> = {
  preprocess: "node", // TypeScript DSP + ffmpeg
  extract: "onnx",
  train: "torch",
  index: "torch", // faiss through the trainer's Python
  export: "torch",
  publish: "torch",
  convert: "onnx",
  selftest: "node",
  analyze: "node", // the dataset doctor's measurements: TypeScript DSP
  separate: "onnx", // MDX-Net vocal isolation
  cover: "onnx", // song cover: separation + conversion + mix
};

/**
 * How a kind uses the worker's GPU slots (worker/slots.ts): "always" holds one (train: as many as its `gpus` ask),
 * "asked" only when the job asks (the self-test's `gpu`), "never" runs beside them.
 */
export const KIND_GPU: Record<QueueName, "always" | "asked" | "never"> = {
  preprocess: "never",
  extract: "always",
  train: "always",
  index: "never",
  export: "never",
  publish: "never",
  convert: "always",
  selftest: "asked",
  analyze: "never",
  separate: "always",
  cover: "always",
};

/**
 * Kinds that run one job per slot at once on a worker. Training is its own process per job and the self-test holds no
 * state; extract and convert share the worker's ONNX sessions (worker/onnx/session.ts caches them per process and a
 * conversion releases other models' sessions), so a worker runs one of each at a time, on a slot of its own — run one
 * worker per GPU (WORKER_GPUS=0, WORKER_GPUS=1) for more conversions at once.
 */
export const PARALLEL_ON_SLOTS: ReadonlySet<QueueName> = new Set<QueueName>(["train", "selftest"]);

/** Slots a job needs, from its kind and params (on a worker with `slots` of them; 0 without any). */
export function slotsNeeded(kind: QueueName, params: unknown, slots: number): number {
  if (slots === 0 || KIND_GPU[kind] === "never") return 0;
  const p = (params ?? {}) as { gpus?: unknown; gpu?: unknown };
  if (KIND_GPU[kind] === "asked") return p.gpu === true ? 1 : 0;
  if (kind === "train" && Array.isArray(p.gpus) && p.gpus.length > 1) return Math.min(p.gpus.length, slots);
  return 1;
}

const NEED_TEXT: Record<Need, string> = {
  torch: "needs PyTorch (the trainer's Python)",
  onnx: "needs onnxruntime",
  node: "",
};

export interface Placement {
  serves: QueueName[];
  /** kinds this worker leaves to others, with why */
  skipped: { kind: QueueName; reason: string }[];
}

/** Parse WORKER_JOBS ("train,convert"): undefined = every kind this worker can run. Throws on an unknown kind. */
export function parseWorkerJobs(value: string | undefined): QueueName[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const kinds = value.split(",").map((k) => k.trim().toLowerCase()).filter(Boolean);
  const unknown = kinds.filter((k) => !(QUEUES as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`WORKER_JOBS: unknown job kind ${unknown.map((k) => `"${k}"`).join(", ")}; the kinds are ${QUEUES.join(", ")}`);
  return [...new Set(kinds)] as QueueName[];
}

/** The kinds this worker serves: what its capabilities allow, within WORKER_JOBS when set. */
export function placement(caps: Pick<Capabilities, "python" | "onnxruntime">, wanted?: QueueName[]): Placement {
  const has: Record<Need, boolean> = {
    torch: Boolean(caps.python?.torch),
    onnx: (caps.onnxruntime?.executionProviders ?? []).length > 0,
    node: true,
  };
  const serves: QueueName[] = [];
  const skipped: Placement["skipped"] = [];
  for (const kind of QUEUES) {
    if (wanted && !wanted.includes(kind)) skipped.push({ kind, reason: "not in WORKER_JOBS" });
    else if (!has[KIND_NEEDS[kind]]) skipped.push({ kind, reason: NEED_TEXT[KIND_NEEDS[kind]] });
    else serves.push(kind);
  }
  return { serves, skipped };
}

/** One line for the worker's log: what it takes and what it leaves, grouped by reason. */
export function describePlacement(p: Placement): string {
  const byReason = new Map<string, string[]>();
  for (const s of p.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.kind]);
  const left = [...byReason].map(([reason, kinds]) => `${kinds.join(", ")} (${reason})`).join("; ");
  return `takes ${p.serves.length ? p.serves.join(", ") : "no jobs"}${left ? `; leaves ${left}` : ""}`;
}
