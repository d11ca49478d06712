import { describe, expect, it } from "vitest";
import { frameRms, SlicerIndex, sliceAudio, sliceRanges, slicerFrames } from "./slicer";
import { noise, tone } from "./test-signals";
import { roundHalfEven } from "./round";

// All cases at 40 kHz: hop 600, RMS window 2400 (frame t spans samples [600t − 1200, 600t + 1200)),
// min_length 100 frames, min_interval 27, max_sil_kept 33, threshold 10^(−42/20).
// A 0.5-amplitude tone is loud in any frame that holds ≥ 200 of its samples; digital silence has RMS 0.
const SR = 40000;

/** Concatenate segments: a number is that many seconds of silence, [s] a 220 Hz tone of s seconds. */
function build(...parts: (number | [number])[]): Float32Array {
  const chunks = parts.map((p) =>
    typeof p === "number" ? new Float32Array(Math.round(p * SR)) : tone(220, SR, p[0], 0.5),
  );
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe("slicer parameters", () => {
  it("converts RVC's milliseconds to the documented frames (rvc-formats §1.4 table)", () => {
    expect(slicerFrames(32000)).toMatchObject({ hop: 480, win: 1920, minLength: 100, minInterval: 27, maxSilKept: 33 });
    expect(slicerFrames(40000)).toMatchObject({ hop: 600, win: 2400, minLength: 100, minInterval: 27, maxSilKept: 33 });
    expect(slicerFrames(48000)).toMatchObject({ hop: 720, win: 2880, minLength: 100, minInterval: 27, maxSilKept: 33 });
    expect(slicerFrames(40000).threshold).toBeCloseTo(0.0079433, 7);
  });

  it("rounds halves to even like Python's round (44.1 kHz hop is 661.5 → 662, 22.05 kHz 330.75 → 331)", () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundHalfEven(-2.5)).toBe(-2);
    expect(roundHalfEven(0.49999999999999994)).toBe(0);
    expect(slicerFrames(44100).hop).toBe(662);
    expect(slicerFrames(22050).hop).toBe(331);
  });

  it("frame RMS is centred with zero padding, 1 + floor(N/hop) frames", () => {
    const x = new Float32Array(6000).fill(0.5);
    const r = frameRms(x, 2400, 600);
    expect(r.length).toBe(11);
    expect(r[0]).toBeCloseTo(0.5 * Math.sqrt(0.5), 12); // half the window is padding
    expect(r[5]).toBeCloseTo(0.5, 12);
    expect(r[10]).toBeCloseTo(0.5 * Math.sqrt(0.5), 12);
  });
});

describe("slice boundaries on tone + silence patterns", () => {
  it("keeps a signal without silence whole", () => {
    const x = build([5]);
    expect(sliceRanges(x, SR)).toEqual([{ start: 0, end: x.length }]);
  });

  it("does not cut a 0.3 s gap (fewer than min_interval silent frames)", () => {
    const x = build([3], 0.3, [3]);
    expect(sliceRanges(x, SR)).toEqual([{ start: 0, end: x.length }]);
  });

  it("does not cut when the clip before the silence is shorter than min_length", () => {
    // silence [20000, 52000): silent frames 36..84, loud again at 85 < 100 frames from the clip start
    const x = build([0.5], 0.8, [3]);
    expect(sliceRanges(x, SR)).toEqual([{ start: 0, end: x.length }]);
  });

  it("cuts a 1 s gap (medium silence) keeping the quietest margins", () => {
    // silence [120000, 160000): frames 202..264 silent, 265 loud → 63 frames (33 < 63 ≤ 66).
    // All silent frames are 0, so each argmin takes the first index: pos 232, pos_l 202, pos_r 232 → cut (202, 232).
    const x = build([3], 1, [3]);
    expect(sliceRanges(x, SR)).toEqual([
      { start: 0, end: 202 * 600 },
      { start: 232 * 600, end: x.length },
    ]);
  });

  it("cuts a 2 s gap (long silence) at (pos_l, pos_r)", () => {
    // silence [120000, 200000): frames 202..331 silent, 332 loud; pos_l = 202, pos_r = argmin[299, 333) = 299
    const x = build([3], 2, [3]);
    expect(sliceRanges(x, SR)).toEqual([
      { start: 0, end: 202 * 600 },
      { start: 299 * 600, end: x.length },
    ]);
  });

  it("trims leading silence to at most max_sil_kept", () => {
    // frames 0..64 silent, 65 loud (> 33): leading cut (0, argmin[32, 66) = 32)
    const x = build(1, [3]);
    expect(sliceRanges(x, SR)).toEqual([{ start: 32 * 600, end: x.length }]);
  });

  it("drops trailing silence after its quietest frame", () => {
    // frames 202..300 silent (99 ≥ 27): cut at argmin[202, 236) = 202, nothing kept after it
    const x = build([3], 1.5);
    expect(sliceRanges(x, SR)).toEqual([{ start: 0, end: 202 * 600 }]);
  });

  it("short silence: cuts once, at the quietest frame", () => {
    // 0.5 s of −65 dB noise [120000, 140000) holding digital zero at [128000, 132000).
    // Silent frames 202..231, loud at 232 (30 frames ≤ 33); RMS-0 frames are 216..218 → cut at 216.
    const x = build([3], 0.5, [3]);
    x.set(noise(20000, 1e-3, 7), 120000);
    x.fill(0, 128000, 132000);
    expect(sliceRanges(x, SR)).toEqual([
      { start: 0, end: 216 * 600 },
      { start: 216 * 600, end: x.length },
    ]);
  });

  it("medium silence: the cut lands on the quietest frame when it is in both margins", () => {
    // 0.6 s of noise [120000, 144000) with zeros at [132000, 136000): silent 202..238, loud 239 (37 frames).
    // RMS-0 frames 222..224, so pos = pos_l = pos_r = 222 → cut (222, 222).
    const x = build([3], 0.6, [3]);
    x.set(noise(24000, 1e-3, 9), 120000);
    x.fill(0, 132000, 136000);
    expect(sliceRanges(x, SR)).toEqual([
      { start: 0, end: 222 * 600 },
      { start: 222 * 600, end: x.length },
    ]);
  });

  it("several cuts give consecutive clips, and sliceAudio returns views of them", () => {
    const x = build(1, [3], 1, [2], 2, [4], 1.5);
    const ranges = sliceRanges(x, SR);
    // leading (0,32); gap [160000,200000) → frames 269..331, cut (269, 299);
    // gap [280000,360000) → frames 469..598, cut (469, 566); trailing from frame 869 → cut at 869.
    expect(ranges).toEqual([
      { start: 32 * 600, end: 269 * 600 },
      { start: 299 * 600, end: 469 * 600 },
      { start: 566 * 600, end: 869 * 600 },
    ]);
    const clips = sliceAudio(x, SR);
    expect(clips.map((c) => c.length)).toEqual(ranges.map((r) => r.end - r.start));
    expect(clips[1]!.buffer).toBe(x.buffer);
  });

  it("returns inputs of at most 100 samples whole (upstream's frames-vs-samples quirk)", () => {
    expect(sliceRanges(new Float32Array(100), SR)).toEqual([{ start: 0, end: 100 }]);
  });

  it("yields no clip for an all-silent input (its silence counts as trailing, cut at frame 0)", () => {
    // silence from frame 0 to the end is a trailing silence: tag (0, total+1) → no clip at all
    expect(sliceRanges(new Float32Array(SR * 2), SR)).toEqual([]);
  });
});

describe("SlicerIndex (the slicer over a stream)", () => {
  const signals: [string, Float32Array][] = [
    ["tones and silences", build(0.3, [2.2], 0.5, [1.7], 3, [4], 0.05, [2], 1.2)],
    ["leading and trailing silence", build(2, [3], 0.02, [3], 2.5)],
    ["no silence", build([5])],
    ["noise", noise(SR * 3, 0.05, 3)],
    ["shorter than one frame", build([0.01])],
  ];
  for (const [name, x] of signals) {
    it(`${name}: the same RMS frames and clips as the whole-signal slicer, for any block sizes`, () => {
      const whole = sliceRanges(x, SR);
      const rms = frameRms(x, slicerFrames(SR).win, slicerFrames(SR).hop);
      for (const size of [1, 599, 2400, 4097, x.length]) {
        const index = new SlicerIndex(SR);
        for (let at = 0; at < x.length; at += size) index.push(x.subarray(at, at + size));
        expect(index.length).toBe(x.length);
        expect(index.ranges()).toEqual(whole);
        const r = index.rms();
        expect(r.length).toBe(rms.length);
        expect(r.every((v, i) => v === rms[i])).toBe(true);
      }
    });
  }

  it("at 44.1 kHz (hop 662) and 48 kHz too", () => {
    for (const rate of [44100, 48000, 32000]) {
      const x = Float32Array.from(build(0.3, [2.2], 0.5, [1.7], 3, [4], 1.2).subarray(0, rate * 12));
      const index = new SlicerIndex(rate);
      for (let at = 0; at < x.length; at += 1000) index.push(x.subarray(at, at + 1000));
      expect(index.ranges()).toEqual(sliceRanges(x, rate));
    }
  });
});
