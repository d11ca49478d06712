import { describe, expect, it } from "vitest";
import { resolveProbe, slicesOf } from "./train-probe";

const ID = "3f1e2d4c-5b6a-4789-8abc-0123456789ab";

describe("probe clip", () => {
  it("slicesOf: one source's slices in slice order (numeric), nothing of other sources", () => {
    expect(slicesOf(["1_10", "1_2", "11_0", "1_x", "2_0", "1_0"], 1)).toEqual(["1_0", "1_2", "1_10"]);
    expect(slicesOf(["2_0"], 1)).toEqual([]);
  });
  it("resolveProbe: a slice name, or an upload id → its first slice; otherwise why not", () => {
    const stems = ["0_0", "0_1", "1_3", "1_1"];
    expect(resolveProbe("0_1", stems, {})).toEqual({ stem: "0_1" });
    expect(resolveProbe(ID, stems, { [ID]: { idx0: 1 } })).toEqual({ stem: "1_1" });
    expect(resolveProbe(ID.toUpperCase(), stems, { [ID]: { idx0: 1 } })).toEqual({ stem: "1_1" });
    expect(resolveProbe("9_9", stems, {})).toEqual({ error: expect.stringContaining('no slice named "9_9"') });
    expect(resolveProbe(ID, stems, {})).toEqual({ error: expect.stringContaining("run preprocess first") });
    expect(resolveProbe(ID, stems, { [ID]: { idx0: 4 } })).toEqual({ error: expect.stringContaining("has no preprocessed slice") });
  });
});
