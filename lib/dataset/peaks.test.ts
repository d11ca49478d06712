import { describe, expect, it } from "vitest";
import { PeakAccumulator } from "./files";

describe("PeakAccumulator", () => {
  it("gives each span the lowest and highest sample of the channels' mean, whatever the block sizes", () => {
    const n = 1000;
    const left = Float32Array.from({ length: n }, (_, i) => Math.sin(i / 7));
    const right = Float32Array.from({ length: n }, (_, i) => (i >= 500 && i < 600 ? 1 : 0));
    const whole = new PeakAccumulator(10, n);
    whole.push([left, right]);
    const blocks = new PeakAccumulator(10, n);
    for (let s = 0; s < n; s += 37) blocks.push([left.subarray(s, s + 37), right.subarray(s, s + 37)]);
    expect(blocks.result()).toEqual(whole.result());
    const r = whole.result();
    expect(r.min).toHaveLength(10);
    // span 5 (samples 500..599): the right channel is 1 there, so the mean is (sin + 1) / 2
    let hi = -Infinity;
    for (let i = 500; i < 600; i++) hi = Math.max(hi, (left[i]! + 1) / 2);
    expect(r.max[5]).toBeCloseTo(hi, 3);
    expect(r.max[4]).toBeLessThanOrEqual(0.5);
  });

  it("spans no frame reached read as 0 (a probe that overstated the length)", () => {
    const acc = new PeakAccumulator(4, 400);
    acc.push([new Float32Array(100).fill(0.5)]);
    expect(acc.result()).toEqual({ min: [0.5, 0, 0, 0], max: [0.5, 0, 0, 0] });
  });
});
