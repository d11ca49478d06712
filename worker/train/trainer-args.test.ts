import { describe, expect, it } from "vitest";
import { TRAIN_DEFAULTS } from "../../lib/train-options";
import { trainerArgs } from "./index";

const base = { expDir: "/e", epochs: 10, pretrained: null, out: "/o", name: "x", sampleRate: 40000, version: "v2" };

describe("trainerArgs: held-out clips and early stop", () => {
  it("passes --heldout, and --early-stop-patience only with held-out clips", () => {
    const on = { ...TRAIN_DEFAULTS, earlyStopPatience: 3 };
    const a = trainerArgs({ ...base, options: on, heldOutFile: "/e/heldout.txt" });
    expect(a.join(" ")).toContain("--heldout /e/heldout.txt --early-stop-patience 3");
    const b = trainerArgs({ ...base, options: on, heldOutFile: null });
    expect(b).not.toContain("--heldout");
    expect(b).not.toContain("--early-stop-patience");
    const c = trainerArgs({ ...base, options: TRAIN_DEFAULTS, heldOutFile: "/e/heldout.txt" });
    expect(c).toContain("--heldout");
    expect(c).not.toContain("--early-stop-patience");
  });
});

describe("trainerArgs: the probe clip", () => {
  it("passes --probe with or without held-out clips, and nothing without one", () => {
    const a = trainerArgs({ ...base, options: TRAIN_DEFAULTS, heldOutFile: null, probeFile: "/e/probe.txt" });
    expect(a.join(" ")).toContain("--probe /e/probe.txt");
    const b = trainerArgs({ ...base, options: TRAIN_DEFAULTS, heldOutFile: "/e/heldout.txt", probeFile: "/e/probe.txt" });
    expect(b.join(" ")).toContain("--heldout /e/heldout.txt");
    expect(b.join(" ")).toContain("--probe /e/probe.txt");
    expect(trainerArgs({ ...base, options: TRAIN_DEFAULTS, heldOutFile: null })).not.toContain("--probe");
  });
});
