import { describe, expect, it } from "vitest";
import { describePlacement, needsGpu, parseWorkerJobs, placement, queueFor, queuesPolled, slotsNeeded } from "./placement";
import { GPU_QUEUE_KINDS, JOB_QUEUES, kindOfQueue, QUEUES } from "./queue";

const caps = (torch: string | null, providers: string[]) => ({
  python: { executable: "python3", version: "3.11", torch, torchCuda: false },
  onnxruntime: { version: "1.30", executionProviders: providers, available: providers },
});

describe("placement", () => {
  it("a worker with torch and onnxruntime takes every kind", () => {
    expect(placement(caps("2.3", ["cpu"])).serves).toEqual([...QUEUES]);
  });
  it("without torch: no train, index, export or publish, with the reason", () => {
    const p = placement(caps(null, ["cpu"]));
    expect(p.serves).not.toContain("train");
    expect(p.serves).toEqual(expect.arrayContaining(["preprocess", "extract", "convert", "selftest"]));
    expect(p.skipped.filter((s) => s.reason.includes("PyTorch")).map((s) => s.kind).sort()).toEqual(["export", "index", "publish", "train"]);
    expect(describePlacement(p)).toMatch(/leaves .*train.*needs PyTorch/);
  });
  it("without onnxruntime: no extract or convert", () => {
    const p = placement(caps("2.3", []));
    expect(p.serves).not.toContain("extract");
    expect(p.serves).not.toContain("convert");
  });
  it("WORKER_JOBS narrows, never widens", () => {
    expect(placement(caps("2.3", ["cpu"]), parseWorkerJobs("train, convert")).serves).toEqual(["train", "convert"]);
    expect(placement(caps(null, ["cpu"]), parseWorkerJobs("train,convert")).serves).toEqual(["convert"]);
  });
  it("WORKER_JOBS: unset or empty is everything; an unknown kind is refused by name", () => {
    expect(parseWorkerJobs(undefined)).toBeUndefined();
    expect(parseWorkerJobs(" ")).toBeUndefined();
    expect(() => parseWorkerJobs("train,trian")).toThrow(/unknown job kind "trian"; the kinds are preprocess/);
  });
});

describe("slotsNeeded", () => {
  it("GPU kinds hold one slot, a multi-GPU training as many as it asks (at most the worker's), others none", () => {
    expect(slotsNeeded("convert", {}, 2)).toBe(1);
    expect(slotsNeeded("train", { gpus: [0, 1] }, 2)).toBe(2);
    expect(slotsNeeded("train", { gpus: [0, 1, 2, 3] }, 2)).toBe(2);
    expect(slotsNeeded("preprocess", {}, 2)).toBe(0);
    expect(slotsNeeded("selftest", {}, 2)).toBe(0);
    expect(slotsNeeded("selftest", { gpu: true }, 2)).toBe(1);
    expect(slotsNeeded("train", { gpus: [0, 1] }, 0)).toBe(0); // no slots on this worker: it runs as before
  });
});

describe("GPU queues", () => {
  it("a training demands a GPU when it asks for GPU ids or half precision; auto/fp32 without ids is the CPU's too", () => {
    expect(needsGpu("train", { precision: "fp16", gpus: [] })).toBe(true);
    expect(needsGpu("train", { precision: "bf16" })).toBe(true);
    expect(needsGpu("train", { precision: "auto", gpus: [1] })).toBe(true);
    expect(needsGpu("train", { precision: "auto", gpus: [] })).toBe(false);
    expect(needsGpu("train", { precision: "fp32" })).toBe(false);
    expect(needsGpu("train", {})).toBe(false);
    expect(needsGpu("train", null)).toBe(false);
    expect(needsGpu("train", { gpus: "0" })).toBe(false); // not a list: the API refuses it before it gets here
  });
  it("a self-test demands one only when it asks for a slot; other kinds never (they run on a CPU)", () => {
    expect(needsGpu("selftest", { gpu: true })).toBe(true);
    expect(needsGpu("selftest", { gpu: "yes" })).toBe(false);
    expect(needsGpu("convert", { gpu: true, gpus: [0], precision: "fp16" })).toBe(false);
    expect(needsGpu("extract", { gpus: [0] })).toBe(false);
  });
  it("queueFor: the kind's GPU queue for a job that demands a GPU, else the kind's own", () => {
    expect(queueFor("train", { precision: "fp16" })).toBe("train-gpu");
    expect(queueFor("train", { precision: "auto", gpus: [] })).toBe("train");
    expect(queueFor("selftest", { gpu: true })).toBe("selftest-gpu");
    expect(queueFor("convert", { precision: "fp16" })).toBe("convert");
  });
  it("kindOfQueue maps every job queue back to its kind; other names are not job queues", () => {
    for (const q of JOB_QUEUES) expect(kindOfQueue(q)?.kind).toBe(q.replace(/-gpu$/, ""));
    expect(kindOfQueue("train-gpu")).toEqual({ kind: "train", gpu: true });
    expect(kindOfQueue("train")).toEqual({ kind: "train", gpu: false });
    expect(kindOfQueue("convert-gpu")).toBeNull();
    expect(kindOfQueue("webhook")).toBeNull();
    expect(kindOfQueue("-gpu")).toBeNull();
    expect(JOB_QUEUES).toHaveLength(QUEUES.length + GPU_QUEUE_KINDS.length);
  });
  it("a worker with GPU slots polls both queues of a kind; a CPU-only one only the plain queue", () => {
    expect(queuesPolled(["train", "convert", "selftest"], 2)).toEqual(["train", "train-gpu", "convert", "selftest", "selftest-gpu"]);
    expect(queuesPolled(["train", "convert", "selftest"], 0)).toEqual(["train", "convert", "selftest"]);
    // whatever a job's params, the queue it is sent to is one a GPU worker serving its kind polls
    for (const params of [{}, { precision: "fp16" }, { gpus: [0] }, { gpu: true }]) {
      for (const kind of QUEUES) expect(queuesPolled([kind], 1)).toContain(queueFor(kind, params));
    }
  });
});
