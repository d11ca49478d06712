import { describe, expect, it } from "vitest";
import { NO_CLEANING } from "./analysis";
import { cleaningOf, cleaningOn, describeCleaning } from "./cleaning";

describe("cleaning options", () => {
  it("reads a missing or malformed stored value as no cleaning", () => {
    expect(cleaningOf(null)).toEqual(NO_CLEANING);
    expect(cleaningOf({ denoise: "yes" })).toEqual(NO_CLEANING);
    expect(cleaningOn(cleaningOf(undefined))).toBe(false);
  });
  it("describes the steps in the order they run, and 'off' when none is on", () => {
    expect(describeCleaning(NO_CLEANING)).toBe("off");
    expect(describeCleaning({ normalizeLufs: -23, removeDc: true, trimSilenceSec: 1, denoise: true })).toBe("DC removal, denoise, loudness -23 LUFS, silences > 1 s trimmed");
    expect(describeCleaning({ ...NO_CLEANING, denoise: true })).toBe("denoise");
  });
});
