import { describe, expect, it } from "vitest";
import { describePlacement, parseWorkerJobs, placement, slotsNeeded } from "./placement";
import { QUEUES } from "./queue";

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
