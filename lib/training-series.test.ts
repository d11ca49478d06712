import { describe, expect, it } from "vitest";
import { bucketBounds, bucketSeries, defaultSmoothing, downsampleSteps, ema, encodeStepFile, epochMeans, parseStepFile, StepFileError } from "./training-series";

/** bytes laid out by hand as worker/trainer/steplog.py writes them (not with encodeStepFile) */
function handMade(): Uint8Array {
  const header = new TextEncoder().encode('{"fields":["mel","kl"]}'); // 23 bytes + 1 pad → records at 36
  const buf = new Uint8Array(12 + 24 + 2 * 16 + 5);
  const v = new DataView(buf.buffer);
  buf.set(new TextEncoder().encode("VSSTEP01"));
  v.setUint32(8, 24, true);
  buf.set(header, 12);
  buf[35] = 0x20;
  v.setUint32(36, 7, true);
  v.setUint32(40, 1, true);
  v.setFloat32(44, 1.5, true);
  v.setFloat32(48, NaN, true);
  v.setUint32(52, 8, true);
  v.setUint32(56, 2, true);
  v.setFloat32(60, 2.5, true);
  v.setFloat32(64, 0.25, true);
  return buf; // + 5 bytes of a record cut short
}

describe("parseStepFile", () => {
  it("reads the trainer's layout and leaves out a half-written record", () => {
    const c = parseStepFile(handMade());
    expect(c.fields).toEqual(["mel", "kl"]);
    expect([...c.steps]).toEqual([7, 8]);
    expect([...c.epochs]).toEqual([1, 2]);
    expect([...c.values[0]!]).toEqual([1.5, 2.5]);
    expect(Number.isNaN(c.values[1]![0])).toBe(true);
    expect(c.values[1]![1]).toBe(0.25);
  });
  it("round-trips what encodeStepFile writes", () => {
    const c = parseStepFile(encodeStepFile(["a"], [{ step: 1, epoch: 1, values: [3] }, { step: 2, epoch: 1, values: [4] }]));
    expect([...c.values[0]!]).toEqual([3, 4]);
  });
  it("an empty file, or one whose header is still being written, is an empty history", () => {
    expect(parseStepFile(new Uint8Array(0)).steps.length).toBe(0);
    expect(parseStepFile(handMade().subarray(0, 5)).steps.length).toBe(0);
    expect(parseStepFile(handMade().subarray(0, 20)).fields).toEqual([]);
  });
  it("refuses a foreign file and a header length past the limit, before reading it", () => {
    expect(() => parseStepFile(new TextEncoder().encode("RIFF....WAVEfmt "))).toThrow(StepFileError);
    const big = handMade();
    new DataView(big.buffer).setUint32(8, 0xffffffff, true);
    expect(() => parseStepFile(big)).toThrow(/header length/);
    const notJson = handMade();
    notJson[12] = 0x7b + 1;
    expect(() => parseStepFile(notJson)).toThrow(StepFileError);
  });
});

describe("bucketBounds", () => {
  it("covers every item once, in order, with at most `points` buckets of near-equal size", () => {
    for (const [n, p] of [[10, 3], [100_000, 400], [7, 7], [5, 9], [1, 1], [1001, 1000]] as const) {
      const b = bucketBounds(n, p);
      expect(b.length).toBe(Math.min(n, p));
      expect(b[0]![0]).toBe(0);
      expect(b[b.length - 1]![1]).toBe(n);
      for (let i = 1; i < b.length; i++) expect(b[i]![0]).toBe(b[i - 1]![1]);
      const sizes = b.map(([a, z]) => z - a);
      expect(Math.min(...sizes)).toBeGreaterThan(0);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(bucketBounds(0, 10)).toEqual([]);
  });
});

describe("ema", () => {
  it("is the bias-corrected recurrence", () => {
    const w = 0.5;
    const out = ema([4, 8, 2], w);
    // by hand: s1 = 2 → 2/0.5 = 4; s2 = 1 + 4 = 5 → 5/0.75; s3 = 2.5 + 1 = 3.5 → 3.5/0.875
    expect(out[0]).toBeCloseTo(4);
    expect(out[1]).toBeCloseTo(5 / 0.75);
    expect(out[2]).toBeCloseTo(3.5 / 0.875);
  });
  it("skips NaN and is NaN before the first value; weight 0 is the raw series", () => {
    const out = ema([NaN, 2, NaN, 4], 0.9);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[1]).toBeCloseTo(2);
    expect(out[2]).toBeCloseTo(2);
    expect(out[3]).toBeCloseTo((0.9 * 0.1 * 2 + 0.1 * 4) / (1 - 0.81));
    expect([...ema([1, 5, 3], 0)]).toEqual([1, 5, 3]);
  });
  it("defaultSmoothing widens with steps per bucket", () => {
    expect(defaultSmoothing(9, 400)).toBeCloseTo(1 - 2 / 5); // a short history: 4 steps, not 20 of lag
    expect(defaultSmoothing(1000, 400)).toBeCloseTo(1 - 2 / 21);
    expect(defaultSmoothing(100_000, 500)).toBeCloseTo(1 - 2 / 801);
  });
});

describe("bucketSeries / downsampleSteps", () => {
  it("keeps each bucket's min and max (a one-step spike survives) and its mean", () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => (i === 537 ? 100 : 1 + (i % 2)));
    const b = bucketSeries(values, bucketBounds(1000, 10), ema(values, 0));
    expect(b.max[5]).toBe(100);
    expect(b.max.filter((x) => x === 100)).toHaveLength(1);
    expect(b.min.every((x) => x === 1)).toBe(true);
    expect(b.mean[0]).toBeCloseTo(1.5);
    expect(b.mean[5]).toBeCloseTo((50 * 1 + 49 * 2 + 100) / 100) // 537 is odd: a 2 became the spike;
    expect(b.smooth[9]).toBe(values[999]);
  });
  it("respects N, spans the whole history and reports buckets' steps and epochs", () => {
    const records = Array.from({ length: 100_000 }, (_, i) => ({ step: i + 1, epoch: Math.floor(i / 100) + 1, values: [Math.sin(i), i % 7 ? 1 : NaN] }));
    const cols = parseStepFile(encodeStepFile(["a", "b"], records));
    const s = downsampleSteps(cols, 300);
    expect(s.count).toBe(100_000);
    expect(s.from).toHaveLength(300);
    expect(s.series.a!.mean).toHaveLength(300);
    expect(s.from[0]).toBe(1);
    expect(s.to[299]).toBe(100_000);
    expect(s.epoch[299]).toBe(1000);
    expect(s.series.b!.mean.every((x) => x === 1)).toBe(true); // NaN left out, not averaged in
    expect(Math.max(...(s.series.a!.max as number[]))).toBeGreaterThan(0.99);
    expect(downsampleSteps(cols, 50, { fields: ["b"] }).series).not.toHaveProperty("a");
  });
  it("fewer steps than points: one bucket per step, the raw values", () => {
    const cols = parseStepFile(encodeStepFile(["a"], [1, 2, 3].map((v, i) => ({ step: i + 1, epoch: 1, values: [v] }))));
    const s = downsampleSteps(cols, 400, { smoothing: 0 });
    expect(s.series.a).toEqual({ mean: [1, 2, 3], min: [1, 2, 3], max: [1, 2, 3], smooth: [1, 2, 3] });
  });
  it("an empty history gives empty series", () => {
    const s = downsampleSteps(parseStepFile(new Uint8Array(0)), 400);
    expect(s).toMatchObject({ count: 0, from: [], to: [], epoch: [], series: {} });
  });
});

it("sends 6 significant digits", () => {
  const cols = parseStepFile(encodeStepFile(["a"], [{ step: 1, epoch: 1, values: [Math.PI] }, { step: 2, epoch: 1, values: [1 / 3] }]));
  const s = downsampleSteps(cols, 1, { smoothing: 0 });
  expect(s.series.a!.mean[0]).toBe(Number(((Math.fround(Math.PI) + Math.fround(1 / 3)) / 2).toPrecision(6)));
  expect(s.series.a!.max[0]).toBe(3.14159);
  expect(String(s.series.a!.min[0])).toBe("0.333333");
});

describe("epochMeans", () => {
  it("averages each epoch's steps, leaving NaN out", () => {
    const cols = parseStepFile(
      encodeStepFile(["a"], [
        { step: 1, epoch: 1, values: [1] },
        { step: 2, epoch: 1, values: [3] },
        { step: 3, epoch: 2, values: [NaN] },
        { step: 4, epoch: 2, values: [10] },
      ]),
    );
    expect(epochMeans(cols)).toEqual({ epoch: [1, 2], step: [2, 4], series: { a: [2, 10] } });
  });
});
