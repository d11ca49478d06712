import { describe, expect, it } from "vitest";
import { mergeCheckpoints, recommendCheckpoint, type CheckpointEntry } from "./checkpoint-metrics";

const entry = (epoch: number, mel: number | null, available = true): CheckpointEntry => ({
  epoch,
  trainLoss: {},
  validation: mel === null ? null : { mel, stft: 1 },
  createdAt: null,
  available,
  published: false,
  preview: null,
});

describe("recommendCheckpoint", () => {
  it("is the argmin of the validation mel L1", () => {
    const cps = [entry(5, 30), entry(10, 22.5), entry(15, 24), entry(20, 26)];
    expect(recommendCheckpoint(cps)).toEqual({ epoch: 10, reason: "lowest validation mel L1 over 4 checkpoints" });
  });
  it("skips checkpoints without validation or whose file is gone; the earlier one wins a tie", () => {
    expect(recommendCheckpoint([entry(5, 10, false), entry(10, 20), entry(15, null), entry(20, 20)])).toEqual({
      epoch: 10,
      reason: "lowest validation mel L1 over 2 checkpoints",
    });
    expect(recommendCheckpoint([entry(5, null)])).toBeNull();
    expect(recommendCheckpoint([])).toBeNull();
  });
});

describe("mergeCheckpoints", () => {
  it("joins train state and metrics by epoch and marks the published one", () => {
    const merged = mergeCheckpoints(
      [
        { epoch: 2, step: 20, at: "2026-12-01T00:00:02Z", g: "G_20.pth" },
        { epoch: 4, step: 40, at: "2026-12-01T00:00:04Z", g: "G_40.pth" },
      ],
      [
        { epoch: 2, step: 20, train: { mel: 30, kl: null as unknown as number }, validation: { mel: 25, stft: 3, clips: 2 }, at: "x" },
        { epoch: 4, step: 40, train: { mel: 28 }, validation: null },
      ],
      (c) => c.g === "G_40.pth",
      4,
    );
    expect(merged).toEqual([
      { epoch: 2, step: 20, trainLoss: { mel: 30 }, validation: { mel: 25, stft: 3, clips: 2 }, createdAt: "2026-12-01T00:00:02Z", available: false, published: false, preview: null },
      { epoch: 4, step: 40, trainLoss: { mel: 28 }, validation: null, createdAt: "2026-12-01T00:00:04Z", available: true, published: true, preview: null },
    ]);
  });
});
