import { describe, expect, it } from "vitest";
import { chunkRanges } from "./chunks";
import { rvcHighpass } from "./highpass";
import { chunksOfClips, FilteredStream, preprocessChunks, preprocessSignal } from "./pipeline";
import { resampledLength } from "./resample";
import { sliceRanges } from "./slicer";
import { fitTone, tone } from "./test-signals";

const SR = 40000;

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("preprocessSignal", () => {
  it("slices, chunks, normalises and resamples with consecutive indices", () => {
    // 3 s tone, 1 s silence, 9 s tone, 1.5 s silence → two slices; the second gives 3 chunks.
    const x = concat(tone(220, SR, 3, 0.5), new Float32Array(SR), tone(330, SR, 9, 0.3), new Float32Array(1.5 * SR));
    const { chunks, skipped } = preprocessSignal(x, SR);
    expect(skipped).toEqual([]);
    const slices = sliceRanges(rvcHighpass(x, SR), SR); // the slicer sees the filtered signal
    const expected = slices.flatMap((s) => chunkRanges(s.end - s.start, SR).map((c) => ({ start: s.start + c.start, len: c.end - c.start })));
    expect(slices.length).toBe(2);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(chunks.map((c) => ({ start: c.start, len: c.gt.length }))).toEqual(expected);
    for (const c of chunks) {
      expect(c.at16k.length).toBe(resampledLength(c.gt.length, SR, 16000));
      let peak = 0;
      for (const v of c.gt) peak = Math.max(peak, Math.abs(v));
      expect(peak).toBeCloseTo(0.675 + 0.25 * c.peak, 5);
    }
    // the 16 kHz copy of a chunk of the 330 Hz tone is that tone at the same level
    const c2 = chunks[2]!;
    const fit = fitTone(c2.at16k, 330, 16000, 1000, c2.at16k.length - 1000);
    expect(fit.amplitude).toBeCloseTo(0.675 + 0.25 * c2.peak, 3);
    expect(fit.residualRms).toBeLessThan(1e-3);
  });

  it("removes DC and sub-48 Hz rumble before slicing (the high-pass)", () => {
    const x = tone(440, SR, 3, 0.4);
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + 0.3 + 0.3 * Math.sin((2 * Math.PI * 15 * i) / SR);
    const [c] = preprocessSignal(x, SR).chunks;
    let mean = 0;
    const tail = c!.gt.subarray(SR); // after the filter has settled
    for (const v of tail) mean += v;
    expect(Math.abs(mean / tail.length)).toBeLessThan(0.01);
  });

  it("skips a chunk louder than 2.5 without using up an index", () => {
    const x = concat(tone(220, SR, 3, 3), new Float32Array(SR), tone(220, SR, 3, 0.5));
    const { chunks, skipped } = preprocessSignal(x, SR);
    expect(skipped.map((s) => s.reason)).toEqual(["too-loud"]);
    expect(chunks.map((c) => c.index)).toEqual([0]);
    expect(chunks[0]!.start).toBeGreaterThan(3 * SR);
  });

  it("yields nothing for a silent file, and is lazy", () => {
    expect(preprocessSignal(new Float32Array(2 * SR), SR)).toEqual({ chunks: [], skipped: [] });
    const it = preprocessChunks(tone(220, SR, 10, 0.5), SR);
    const first = it.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ kind: "chunk", index: 0 });
  });
});

describe("streamed preprocess (FilteredStream + chunksOfClips) = preprocessChunks over the whole signal", () => {
  it("the same chunks, skips, starts and indices for any block size", () => {
    // clips with silences between, a too-loud stretch (skipped chunk) and a tail
    const x = concat(tone(220, SR, 3, 0.5), new Float32Array(SR), tone(330, SR, 9, 0.3), new Float32Array(SR / 2),
      tone(150, SR, 4, 3), new Float32Array(SR), tone(500, SR, 5.3, 0.2), new Float32Array(1.5 * SR));
    const whole = [...preprocessChunks(x, SR)];
    expect(whole.some((c) => c.kind === "skipped")).toBe(true);
    for (const size of [1000, 65536, x.length]) {
      const stream = new FilteredStream(SR);
      const filtered = new Float32Array(x.length);
      for (let at = 0; at < x.length; at += size) filtered.set(stream.push(x.subarray(at, at + size)), at);
      expect(stream.length).toBe(x.length);
      const streamed = [...chunksOfClips(stream.clips(), (s, e) => filtered.slice(s, e), SR)];
      expect(streamed.length).toBe(whole.length);
      streamed.forEach((c, i) => {
        const w = whole[i]!;
        expect(c.kind).toBe(w.kind);
        expect(c.start).toBe(w.start);
        if (c.kind === "chunk" && w.kind === "chunk") {
          expect(c.index).toBe(w.index);
          expect(c.gt.every((v, j) => v === w.gt[j]) && c.gt.length === w.gt.length).toBe(true);
          expect(c.at16k.every((v, j) => v === w.at16k[j]) && c.at16k.length === w.at16k.length).toBe(true);
        }
      });
    }
  });
});
