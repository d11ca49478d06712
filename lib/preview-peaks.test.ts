import { describe, expect, it } from "vitest";
import { pcm16Peaks } from "./preview-peaks";

/** a mono 16-bit PCM WAV of the given samples (−1…1) */
function wav16(samples: number[], channels = 1, rate = 8000): Uint8Array {
  const data = samples.length * 2;
  const b = new Uint8Array(44 + data);
  const v = new DataView(b.buffer);
  const s = (at: number, t: string) => [...t].forEach((c, i) => (b[at + i] = c.charCodeAt(0)));
  s(0, "RIFF");
  v.setUint32(4, 36 + data, true);
  s(8, "WAVE");
  s(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2 * channels, true);
  v.setUint16(32, 2 * channels, true);
  v.setUint16(34, 16, true);
  s(36, "data");
  v.setUint32(40, data, true);
  samples.forEach((x, i) => v.setInt16(44 + 2 * i, Math.round(x * 32767), true));
  return b;
}

describe("pcm16Peaks", () => {
  it("gives the loudest |sample| per column", () => {
    const x = [0.1, -0.5, 0.2, 0.25, -0.9, 0.3, 0, 0.05];
    expect(pcm16Peaks(wav16(x), 4)).toEqual([0.5, 0.25, 0.9, 0.05]);
    expect(pcm16Peaks(wav16(x), 1)).toEqual([0.9]);
    // more columns than frames: one per frame
    expect(pcm16Peaks(wav16([0.5, -0.25]), 48)).toEqual([0.5, 0.25]);
  });
  it("mixes channels by their max and refuses what is not 16-bit PCM WAV", () => {
    expect(pcm16Peaks(wav16([0.1, -0.8, 0.4, 0.2], 2), 2)).toEqual([0.8, 0.4]);
    expect(pcm16Peaks(new TextEncoder().encode("not a wav at all, just text"), 4)).toBeNull();
    const float = wav16([0.1, 0.2]);
    new DataView(float.buffer).setUint16(20, 3, true);
    expect(pcm16Peaks(float, 4)).toBeNull();
  });
});
