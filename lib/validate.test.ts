import { describe, expect, it } from "vitest";
import { summarizeValidation, type ValidationReport } from "./validate";

const report = (counts: Partial<ValidationReport["counts"]>, problems: ValidationReport["problems"]): ValidationReport => ({
  ok: problems.length === 0,
  counts: { gt: 0, wav16k: 0, f0: 0, f0nsf: 0, feature: 0, excluded: 0, ...counts },
  problems,
});

describe("summarizeValidation", () => {
  it("says run extract first instead of listing every chunk", () => {
    const problems = Array.from({ length: 180 }, (_, i) => [
      { file: `0_${i}.wav`, problem: `missing 3_feature768/0_${i}.npy: run extract` },
      { file: `0_${i}.wav`, problem: "missing pitch (2a_f0 / 2b-f0nsf): run extract" },
    ]).flat();
    const s = summarizeValidation(report({ gt: 180, wav16k: 180 }, problems));
    expect(s).toBe("no features or pitch have been extracted yet: run extract first");
  });

  it("says run preprocess first when there are no chunks", () => {
    const s = summarizeValidation(report({}, [{ file: "0_gt_wavs", problem: "no training chunks: run preprocess" }]));
    expect(s).toBe("there are no training chunks yet: run preprocess first");
  });

  it("counts a partly done extract", () => {
    const s = summarizeValidation(
      report({ gt: 3, wav16k: 3, feature: 2, f0: 2, f0nsf: 2 }, [{ file: "0_2.wav", problem: "missing 3_feature768/0_2.npy: run extract" }]),
    );
    expect(s).toBe("1 of 3 training chunks have no features or pitch: run extract again");
  });

  it("lists at most three other problems", () => {
    const problems = Array.from({ length: 5 }, (_, i) => ({ file: `0_${i}.wav`, problem: "pitch lengths differ (2a_f0 10, 2b-f0nsf 11)" }));
    const s = summarizeValidation(report({ gt: 5, wav16k: 5, feature: 5, f0: 5, f0nsf: 5 }, problems));
    expect(s).toMatch(/^0_0\.wav: pitch lengths differ .*; 0_2\.wav: .* \(and 2 more\)$/);
  });
});
