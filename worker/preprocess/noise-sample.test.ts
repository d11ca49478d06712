import { describe, expect, it } from "vitest";
import { NOISE_SAMPLE_SECONDS, noiseSample } from "./file-task";

describe("noiseSample (the denoiser's bounded sample of a whole file)", () => {
  const rate = 100;
  const signal = (length: number) => Float32Array.from({ length }, (_, i) => i);
  const reader = (x: Float32Array) => (s: number, e: number) => x.slice(s, e);

  it("is the whole signal when it is short enough", () => {
    const x = signal(30 * rate);
    expect(Array.from(noiseSample(reader(x), x.length, rate))).toEqual(Array.from(x));
  });

  it("is at most NOISE_SAMPLE_SECONDS of evenly spaced 5 s windows from start to end of a long one", () => {
    const x = signal(3600 * rate);
    const s = noiseSample(reader(x), x.length, rate);
    expect(s.length).toBe(NOISE_SAMPLE_SECONDS * rate);
    const win = 5 * rate;
    expect(s[0]).toBe(0);
    expect(s[s.length - 1]).toBe(x.length - 1);
    // each window is contiguous, and the windows are in order
    for (let w = 0; w < s.length / win; w++) {
      for (let i = 1; i < win; i++) expect(s[w * win + i]! - s[w * win + i - 1]!).toBe(1);
      if (w > 0) expect(s[w * win]!).toBeGreaterThan(s[w * win - 1]!);
    }
  });
});
