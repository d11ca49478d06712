import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeMono } from "../../lib/audio/decode";
import { ffmpegBinary } from "../../lib/audio/ffmpeg";
import { tempDir } from "../../tests/helpers/audio-fixtures";
import { downmix, downmixGains } from "./downmix";
import { encodeWavFloat32 } from "./wav";

const H = Math.SQRT1_2;

describe("downmixGains (ffmpeg's -ac 1, measured)", () => {
  it("stereo sums at 1/√2 each, 3 dB above the average; mono is left as it is", () => {
    expect(downmixGains(2)).toEqual([H, H]);
    expect(downmixGains(1)).toEqual([1]);
    expect(Array.from(downmix([Float32Array.from([1, 0.5]), Float32Array.from([0, -0.5])]))).toEqual([Math.fround(H), 0]);
    const m = Float32Array.from([0.1, -0.2]);
    const out = downmix([m]);
    expect(Array.from(out)).toEqual(Array.from(m));
    expect(out).not.toBe(m);
  });

  it("a file that states no layout gets ffmpeg's default for its channel count (3 channels are 2.1: LFE dropped)", () => {
    expect(downmixGains(3)).toEqual([H, H, 0]);
    expect(downmixGains(4)).toEqual([H, H, 1, 0.5]);
    expect(downmixGains(6)).toEqual([H, H, 1, 0, 0.5, 0.5]);
    expect(downmixGains(8)).toEqual([H, H, 1, 0, 0.5, 0.5, 0.5, 0.5]);
  });

  it("ffmpeg's layout names and WAV channel masks choose the speakers; a mask that does not fit is ignored", () => {
    expect(downmixGains(3, "3.0")).toEqual([H, H, 1]);
    expect(downmixGains(4, "quad")).toEqual([H, H, 0.5, 0.5]);
    expect(downmixGains(6, "6.0(front)")).toEqual([H, H, H, H, 0.5, 0.5]);
    expect(downmixGains(4, 0x33)).toEqual([H, H, 0.5, 0.5]); // FL FR BL BR
    expect(downmixGains(3, 0x7)).toEqual([H, H, 1]); // FL FR FC
    expect(downmixGains(3, 0x3)).toEqual(downmixGains(3)); // 2 speakers for 3 channels
    expect(downmixGains(2, 0x800 | 0x1)).toEqual(downmixGains(2)); // a top speaker: not measured, default
    expect(downmixGains(2, "5.1")).toEqual(downmixGains(2)); // a name of another count
  });

  it("refuses what it cannot mix", () => {
    expect(() => downmixGains(0)).toThrow(RangeError);
    expect(() => downmixGains(9)).toThrow(/9 channels/);
    expect(() => downmix([])).toThrow(RangeError);
  });
});

function ffmpegPath(): string | undefined {
  try {
    return ffmpegBinary().path;
  } catch {
    return undefined;
  }
}
const FFMPEG = ffmpegPath();
if (!FFMPEG) console.warn("downmix.test.ts: no ffmpeg (system, FFMPEG_PATH or @ffmpeg-installer): the comparisons with ffmpeg -ac 1 are skipped");

function snrDb(ref: Float32Array, got: Float32Array): number {
  let s = 0, e = 0;
  for (let i = 0; i < ref.length; i++) {
    s += ref[i]! ** 2;
    e += (ref[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(s / e);
}

describe.skipIf(!FFMPEG)("downmix = ffmpeg -ac 1 (within 60 dB SNR)", () => {
  const dir = tempDir("vs-downmix-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const RATE = 44100;

  /** Distinct content per channel: a sine of its own frequency plus a little noise. */
  function channels(n: number, seconds = 1.5): Float32Array[] {
    let s = 7;
    return Array.from({ length: n }, (_, c) =>
      new Float32Array(Math.round(seconds * RATE)).map((_, i) => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return 0.15 * Math.sin((2 * Math.PI * (110 + 97 * c) * i) / RATE) + 0.03 * (s / 2147483648 - 0.5);
      }),
    );
  }

  function ffmpegMono(file: string): Float32Array {
    const out = execFileSync(FFMPEG!, ["-hide_banner", "-loglevel", "error", "-i", file, "-ac", "1", "-f", "f32le", "-"], {
      maxBuffer: 1 << 28,
    });
    return new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
  }

  async function compare(file: string): Promise<number> {
    const want = ffmpegMono(file);
    const got = await decodeMono(file, RATE);
    expect(got.length).toBe(want.length);
    return snrDb(want, got); // measured: 144–148 dB (float rounding); averaging instead would give ~11 dB
  }

  it("a stereo WAV (our decoder, no layout stated)", async () => {
    const f = path.join(dir, "stereo.wav");
    fs.writeFileSync(f, encodeWavFloat32(channels(2), RATE));
    expect(await compare(f)).toBeGreaterThan(60);
  });

  it("a stereo FLAC (ffmpeg decodes, names the layout)", async () => {
    const f = path.join(dir, "stereo-src.wav");
    fs.writeFileSync(f, encodeWavFloat32(channels(2), RATE));
    const flac = path.join(dir, "stereo.flac");
    execFileSync(FFMPEG!, ["-hide_banner", "-loglevel", "error", "-i", f, flac]);
    expect(await compare(flac)).toBeGreaterThan(60);
  });

  it("a 6-channel WAV with no mask (ffmpeg's default 5.1) and 3..8-channel plain WAVs", async () => {
    for (const n of [3, 4, 5, 6, 7, 8]) {
      const f = path.join(dir, `plain${n}.wav`);
      fs.writeFileSync(f, encodeWavFloat32(channels(n, 0.5), RATE));
      expect(await compare(f), `${n} channels`).toBeGreaterThan(60);
    }
  });

  it("5.1(side), quad and 7.1(wide) written by ffmpeg (WAV channel mask; FLAC/ffmpeg path)", async () => {
    for (const [layout, n] of [["5.1(side)", 6], ["quad", 4], ["7.1(wide)", 8], ["3.0(back)", 3]] as const) {
      const raw = path.join(dir, "raw.wav");
      fs.writeFileSync(raw, encodeWavFloat32(channels(n, 0.5), RATE));
      for (const ext of ["wav", "flac"]) {
        const f = path.join(dir, `${layout}.${ext}`);
        const codec = ext === "wav" ? ["-c:a", "pcm_f32le"] : [];
        execFileSync(FFMPEG!, ["-hide_banner", "-loglevel", "error", "-y", "-channel_layout", layout, "-i", raw, ...codec, f]);
        if (ext === "flac" && n > 8) continue;
        expect(await compare(f), `${layout} ${ext}`).toBeGreaterThan(60);
      }
    }
  });
});
