import { describe, expect, it } from "vitest";
import { chunkAudio, chunkRanges, RVC_CHUNK_SECONDS_LOW_MEMORY } from "./chunks";

// Expected starts were computed with Python floats as upstream does: int(sr·(per − overlap)·i),
// e.g. 40 kHz → 136000, 272000, 408000; 48 kHz → 163200, 326400; 32 kHz, per 3.0 → 86400, 172800.
describe("chunkRanges (3.7 s chunks, 0.3 s overlap, final chunk takes up to 4.0 s)", () => {
  it("keeps a clip of 4.0 s or less whole", () => {
    expect(chunkRanges(80000, 40000)).toEqual([{ start: 0, end: 80000 }]);
    expect(chunkRanges(160000, 40000)).toEqual([{ start: 0, end: 160000 }]); // exactly 4.0 s: not more than tail
  });

  it("splits just over 4.0 s into one full chunk and a 0.6 s tail", () => {
    expect(chunkRanges(160001, 40000)).toEqual([
      { start: 0, end: 148000 },
      { start: 136000, end: 160001 },
    ]);
  });

  it("10 s at 40 kHz: two 3.7 s chunks every 3.4 s, then the 3.2 s remainder", () => {
    expect(chunkRanges(400000, 40000)).toEqual([
      { start: 0, end: 148000 },
      { start: 136000, end: 284000 },
      { start: 272000, end: 400000 },
    ]);
  });

  it("48 kHz: full chunks are 177600 samples", () => {
    expect(chunkRanges(500000, 48000)).toEqual([
      { start: 0, end: 177600 },
      { start: 163200, end: 340800 },
      { start: 326400, end: 500000 },
    ]);
  });

  it("per 3.0 (low-memory setting) at 32 kHz", () => {
    expect(chunkRanges(200000, 32000, RVC_CHUNK_SECONDS_LOW_MEMORY)).toEqual([
      { start: 0, end: 96000 },
      { start: 86400, end: 182400 },
      { start: 172800, end: 200000 },
    ]);
  });

  it("every chunk but the last is exactly per seconds; the last is 0.6–4.0 s for long clips", () => {
    for (let len = 160001; len < 2_000_000; len += 37_777) {
      const r = chunkRanges(len, 40000);
      r.slice(0, -1).forEach((c) => expect(c.end - c.start).toBe(148000));
      const last = r[r.length - 1]!;
      expect(last.end).toBe(len);
      expect(last.end - last.start).toBeGreaterThan(0.6 * 40000);
      expect(last.end - last.start).toBeLessThanOrEqual(160000);
    }
  });

  it("empty clip gives no chunk; bad parameters are refused", () => {
    expect(chunkRanges(0, 40000)).toEqual([]);
    expect(() => chunkRanges(100, 40000, 0.3, 0.3)).toThrow(RangeError);
  });

  it("chunkAudio returns views with the same ranges", () => {
    const x = Float32Array.from({ length: 400000 }, (_, i) => i);
    const c = chunkAudio(x, 40000);
    expect(c.map((v) => [v[0], v.length])).toEqual([
      [0, 148000],
      [136000, 148000],
      [272000, 128000],
    ]);
  });
});
