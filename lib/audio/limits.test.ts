import { describe, expect, it } from "vitest";
import { formatIssue, lengthIssue, maxSecondsFor, readWavLayout, wavFmtIssue, wavHeaderIssue } from "./limits";

const u16 = (n: number) => [n & 255, (n >>> 8) & 255];
const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
const id = (s: string) => [...s].map((c) => c.charCodeAt(0));

interface Head {
  tag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  byteRate?: number;
  blockAlign?: number;
  fact?: number;
  dataSize?: number;
  dataBytes?: number;
}

/** A RIFF/WAVE file: fmt (+ fact) + data, every field overridable to make it lie. */
function wav(h: Head = {}): Uint8Array {
  const tag = h.tag ?? 1;
  const channels = h.channels ?? 1;
  const rate = h.rate ?? 16000;
  const bits = h.bits ?? 16;
  const block = h.blockAlign ?? (channels * bits) / 8;
  const byteRate = h.byteRate ?? rate * block;
  const dataBytes = h.dataBytes ?? 3200;
  const fmt = [...u16(tag), ...u16(channels), ...u32(rate), ...u32(byteRate), ...u16(block), ...u16(bits)];
  const body = [
    ...id("WAVE"),
    ...id("fmt "), ...u32(fmt.length), ...fmt,
    ...(h.fact !== undefined ? [...id("fact"), ...u32(4), ...u32(h.fact)] : []),
    ...id("data"), ...u32(h.dataSize ?? dataBytes), ...new Array<number>(dataBytes).fill(0),
  ];
  return Uint8Array.from([...id("RIFF"), ...u32(body.length), ...body]);
}

const issue = (b: Uint8Array, size = b.length) => wavHeaderIssue(b, size);

describe("format limits", () => {
  it("accepts 8–192 kHz and 1–8 channels", () => {
    for (const rate of [8000, 16000, 44100, 48000, 96000, 192000]) expect(formatIssue(rate, 2)).toBeUndefined();
    expect(formatIssue(48000, 1)).toBeUndefined();
    expect(formatIssue(48000, 8)).toBeUndefined();
  });

  it("names the rule a rate or channel count breaks", () => {
    expect(formatIssue(25, 1)).toEqual({ problem: "sample_rate", message: "its sample rate 25 Hz is outside 8–192 kHz" });
    expect(formatIssue(1, 1)?.problem).toBe("sample_rate");
    expect(formatIssue(7999, 1)?.problem).toBe("sample_rate");
    expect(formatIssue(192001, 1)?.problem).toBe("sample_rate");
    expect(formatIssue(NaN, 1)?.problem).toBe("sample_rate");
    expect(formatIssue(16000, 0)).toEqual({ problem: "channels", message: "it has 0 channels; 1 to 8 are accepted" });
    expect(formatIssue(16000, 9)?.problem).toBe("channels");
  });

  it("refuses a length the file's size cannot hold", () => {
    expect(maxSecondsFor(16_000)).toBe(1000);
    expect(lengthIssue(1000, 16_000, "claims")).toBeUndefined();
    expect(lengthIssue(6884, 16_000, "claims")).toEqual({
      problem: "length_beyond_size",
      message: "it claims 6884 s of audio, more than its 16000 bytes can hold (at least 16 bytes per second)",
    });
    expect(lengthIssue(2.5, 16, "decodes to")?.message).toMatch(/^it decodes to 2.50 s of audio/);
  });
});

describe("WAV header checks", () => {
  it("passes honest PCM, float, and streamed (open-sized) WAVs", () => {
    expect(issue(wav())).toBeUndefined();
    expect(issue(wav({ tag: 3, bits: 32, channels: 2, rate: 48000 }))).toBeUndefined();
    expect(issue(wav({ fact: 1600 }))).toBeUndefined();
    expect(issue(wav({ dataSize: 0xffffffff }))).toBeUndefined();
    expect(issue(wav({ dataSize: 0 }))).toBeUndefined();
    expect(issue(Uint8Array.from(id("fLaC\0\0\0\0\0\0\0\0")))).toBeUndefined(); // not a WAV: not judged here
  });

  it("refuses 25 Hz and 1 Hz WAVs, and 9 channels", () => {
    expect(issue(wav({ rate: 25 }))?.message).toBe("its sample rate 25 Hz is outside 8–192 kHz");
    expect(issue(wav({ rate: 1 }))?.problem).toBe("sample_rate");
    expect(issue(wav({ channels: 9 }))?.problem).toBe("channels");
  });

  it("refuses PCM fields that contradict each other", () => {
    expect(issue(wav({ byteRate: 50 }))?.message).toBe(
      "its WAV header is inconsistent: 50 bytes per second does not match 16000 Hz × 2-byte frames",
    );
    expect(issue(wav({ blockAlign: 4 }))?.message).toMatch(/block align 4 does not match 1 channel\(s\) of 16 bits/);
    expect(issue(wav({ bits: 12, blockAlign: 2, byteRate: 32000 }))?.problem).toBe("inconsistent_header");
    // a compressed codec inside a WAV (here tag 2, ADPCM) has its own byte rate: not judged
    expect(issue(wav({ tag: 2, bits: 4, blockAlign: 256, byteRate: 8000 }))).toBeUndefined();
  });

  it("refuses a data chunk longer than the file, and a fact chunk promising more frames than the data holds", () => {
    const full = wav({ dataSize: 1_000_000 });
    expect(issue(full)).toEqual({
      problem: "truncated",
      message: `the file is truncated: its WAV header declares ${1_000_000 - 3200} more bytes of audio than the file holds`,
    });
    const cut = wav();
    expect(issue(cut.subarray(0, 1000), 1000)?.problem).toBe("truncated");
    expect(issue(wav({ fact: 10_000_000 }))?.message).toBe("its WAV header claims 10000000 frames but the data chunk holds 1600");
  });

  it("reads the layout, resolving WAVE_FORMAT_EXTENSIBLE", () => {
    expect(readWavLayout(wav({ fact: 7 }))).toEqual({
      fmt: { tag: 1, channels: 1, sampleRate: 16000, byteRate: 32000, blockAlign: 2, bits: 16 },
      factFrames: 7,
      data: { at: 56, size: 3200 },
    });
    expect(wavFmtIssue({ tag: 3, channels: 2, sampleRate: 44100, byteRate: 352800, blockAlign: 8, bits: 32 })).toBeUndefined();
  });
});
