import { describe, expect, it } from "vitest";
import { stemsLeftOut } from "./exclusions";

describe("stemsLeftOut", () => {
  it("leaves out every slice of an excluded upload and each excluded slice, nothing else", () => {
    const stems = ["0_0", "0_1", "1_0", "1_1", "10_0", "11_2"];
    expect([...stemsLeftOut(stems, [1], ["11_2"])].sort()).toEqual(["11_2", "1_0", "1_1"]);
    expect(stemsLeftOut(stems, [], []).size).toBe(0);
    // idx0 1 is not a prefix match for 10 or 11
    expect(stemsLeftOut(stems, [1], []).has("10_0")).toBe(false);
  });
});
