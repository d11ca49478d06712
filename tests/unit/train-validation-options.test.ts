import { describe, expect, it } from "vitest";
import { VALIDATION_DEFAULTS, validationErrors, validationOptions } from "../../components/train-validation-options";

const v = (o: Partial<typeof VALIDATION_DEFAULTS>) => ({ ...VALIDATION_DEFAULTS, ...o });

describe("Train form: validation options", () => {
  it("defaults: 5 % held out, no early stop, the default probe", () => {
    expect(validationOptions(VALIDATION_DEFAULTS)).toEqual({ heldOut: 0.05, earlyStopPatience: 0 });
    expect(validationErrors(VALIDATION_DEFAULTS)).toEqual({});
  });
  it("turns percent into the API's share and passes the probe", () => {
    expect(validationOptions(v({ heldOutPercent: "12.5", patience: "3", probe: "file:abc" }))).toEqual({ heldOut: 0.125, earlyStopPatience: 3, probe: "abc" });
    expect(validationOptions(v({ probe: "slice", slice: " 0_3 " }))).toEqual({ heldOut: 0.05, earlyStopPatience: 0, probe: "0_3" });
    expect(validationOptions(v({ heldOutPercent: "0", probe: "slice", slice: "1_0" }))).toEqual({ heldOut: 0, earlyStopPatience: 0, probe: "1_0" });
  });
  it("says what is wrong, field by field", () => {
    expect(validationErrors(v({ heldOutPercent: "" })).heldOut).toMatch(/0 to 50/);
    expect(validationErrors(v({ heldOutPercent: "60" })).heldOut).toMatch(/0 to 50/);
    expect(validationErrors(v({ patience: "1.5" })).patience).toMatch(/whole number/);
    expect(validationErrors(v({ heldOutPercent: "0", patience: "2" })).patience).toMatch(/needs held-out clips/);
    expect(validationErrors(v({ probe: "slice", slice: "../x" })).slice).toMatch(/slice name/);
    expect(validationErrors(v({ heldOutPercent: "0" })).probe).toMatch(/no default preview/);
    expect(() => validationOptions(v({ patience: "-1" }))).toThrow(/whole number/);
    // the probe note is advice, not a refusal
    expect(validationOptions(v({ heldOutPercent: "0" }))).toEqual({ heldOut: 0, earlyStopPatience: 0 });
  });
});
