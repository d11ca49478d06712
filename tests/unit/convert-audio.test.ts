import { describe, expect, it } from "vitest";
import { columnPeaks, encodeWav } from "../../components/convert/audio";

describe("encodeWav", () => {
  it("writes a 44-byte PCM header and interleaved 16-bit samples, clipping to ±1", () => {
    const left = Float32Array.from([0, 1, -1, 2]);
    const right = Float32Array.from([0.5, -0.5, 0, -2]);
    const buf = encodeWav([left, right], 16000);
    const v = new DataView(buf);
    const text = (at: number) => String.fromCharCode(...new Uint8Array(buf, at, 4));
    expect([text(0), text(8), text(12), text(36)]).toEqual(["RIFF", "WAVE", "fmt ", "data"]);
    expect(buf.byteLength).toBe(44 + 4 * 2 * 2);
    expect(v.getUint32(4, true)).toBe(buf.byteLength - 8);
    expect(v.getUint16(20, true)).toBe(1); // PCM
    expect(v.getUint16(22, true)).toBe(2);
    expect(v.getUint32(24, true)).toBe(16000);
    expect(v.getUint32(28, true)).toBe(16000 * 4);
    expect(v.getUint16(32, true)).toBe(4);
    expect(v.getUint16(34, true)).toBe(16);
    expect(v.getUint32(40, true)).toBe(16);
    const samples = Array.from({ length: 8 }, (_, i) => v.getInt16(44 + 2 * i, true));
    expect(samples).toEqual([0, 16384, 32767, -16384, -32768, 0, 32767, -32768]);
  });

  it("writes a valid empty file for no samples", () => {
    const buf = encodeWav([new Float32Array(0)], 48000);
    expect(buf.byteLength).toBe(44);
    expect(new DataView(buf).getUint32(40, true)).toBe(0);
  });
});

describe("columnPeaks", () => {
  it("gives min and max of each column over all channels", () => {
    const a = Float32Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6]);
    const b = Float32Array.from([0.9, 0, 0, 0, 0, -0.9]);
    const { min, max } = columnPeaks([a, b], 3);
    expect(Array.from(max).map((x) => +x.toFixed(2))).toEqual([0.9, 0.4, 0.6]);
    expect(Array.from(min).map((x) => +x.toFixed(2))).toEqual([-0.2, 0, -0.9]);
  });

  it("never makes more columns than samples, and none for silence of length 0", () => {
    expect(columnPeaks([Float32Array.from([0.5, -0.5])], 600).min.length).toBe(2);
    expect(columnPeaks([new Float32Array(0)], 600).min.length).toBe(0);
    expect(columnPeaks([], 600).max.length).toBe(0);
  });

  it("covers every sample when the length does not divide evenly", () => {
    const x = new Float32Array(1001);
    x[1000] = 1;
    const { max } = columnPeaks([x], 600);
    expect(max[599]).toBe(1);
  });
});
