import { describe, expect, it } from "vitest";
import { analyzeSamples } from "../../worker/analyze/analyzer";
import { doctorSummary, type CardFile } from "./card";

/** a 1 s, 220 Hz tone at `amp`; amp > 1 clips hard at full scale */
const tone = (amp: number, rate = 44100) => {
  const x = Float32Array.from({ length: rate * 2 }, (_, i) => Math.max(-1, Math.min(1, amp * Math.sin((2 * Math.PI * 220 * i) / rate))));
  return analyzeSamples([x], rate);
};

describe("the dataset card's doctor summary", () => {
  const file = (id: string, seconds: number, rate: number, excluded: boolean, analysis: CardFile["analysis"]): CardFile => ({ id, originalName: `${id}.wav`, durationSec: seconds, sampleRate: rate, stats: null, excluded, analysis });

  it("totals the included files, counts flags of the included ones only, and judges the included set", () => {
    const clipped = tone(4);
    const fine = tone(0.3);
    const files = [file("a", 300, 44100, false, fine), file("b", 200, 48000, false, clipped), file("c", 100, 16000, true, clipped), file("d", 50, 44100, false, null)];
    const s = doctorSummary(files, 3);
    expect(s.included).toEqual({ fileCount: 3, totalSeconds: 550, excludedFiles: 1, excludedSlices: 3 });
    expect(s.analysed).toBe(3);
    expect(s.flagCounts.clipping).toBe(1);
    // 550 s < 10 min; rates of included files only: 44.1 and 48 kHz (the excluded 16 kHz one does not count)
    expect(s.datasetFlags.map((f) => f.code).sort()).toEqual(["mixed_sample_rates", "too_short"]);
    expect(s.datasetFlags.find((f) => f.code === "mixed_sample_rates")!.message).not.toMatch(/16 kHz/);

    const none = doctorSummary(files.map((f) => ({ ...f, excluded: false })));
    expect(none.included.totalSeconds).toBe(650);
    expect(none.flagCounts.clipping).toBe(2);
  });
});
