import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegConvert, sox, tempDir } from "../../tests/helpers/audio-fixtures";
import { getResampler } from "../../worker/dsp/resample";
import { decodeWav, downmix, encodeWavFloat32 } from "../../worker/dsp/wav";
import { decodeAudio, decodeAudioBlocks, decodeMono, DECODE_BLOCK_FRAMES } from "./decode";

let dir: string;
let stereo: string;
const RATE = 48000;

/** Two different channels, longer than several decode blocks. */
function channels(seconds: number): Float32Array[] {
  const n = Math.round(seconds * RATE);
  const l = new Float32Array(n), r = new Float32Array(n);
  let s = 3;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    l[i] = 0.4 * Math.sin(i * 0.031) + (s / 2147483648 - 0.5) * 0.1;
    r[i] = 0.3 * Math.sin(i * 0.0077) - (s / 2147483648 - 0.5) * 0.2;
  }
  return [l, r];
}

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

beforeAll(() => {
  dir = tempDir();
  stereo = path.join(dir, "stereo.wav");
  fs.writeFileSync(stereo, encodeWavFloat32(channels((DECODE_BLOCK_FRAMES * 3.5) / RATE), RATE));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("block-wise decoding = whole-file decoding", () => {
  it("WAV (float32 and 16-bit): the block reader gives decodeWav's samples, in blocks of DECODE_BLOCK_FRAMES", async () => {
    for (const file of [stereo, sox(dir, stereo, "s16.wav", "-b", "16")]) {
      const ref = decodeWav(fs.readFileSync(file));
      const sizes: number[] = [];
      const got = await decodeAudio(file);
      await decodeAudioBlocks(file, { format: (r, c) => expect([r, c]).toEqual([RATE, 2]), block: (c) => sizes.push(c[0]!.length) });
      expect(sizes.slice(0, 3)).toEqual([DECODE_BLOCK_FRAMES, DECODE_BLOCK_FRAMES, DECODE_BLOCK_FRAMES]);
      expect(got.channels.every((c, i) => same(c, ref.channels[i]!))).toBe(true);
    }
  });

  it("decodeMono (streamed resampling per channel, then ffmpeg's downmix) = whole-file resampling, then downmix", async () => {
    for (const [file, rate] of [[stereo, 40000], [stereo, 16000], [ffmpegConvert(dir, stereo, "s.flac"), 16000]] as const) {
      const whole = await decodeAudio(file);
      const ref = downmix(whole.channels.map((c) => getResampler(whole.sampleRate, rate).process(c)), whole.layout);
      const mono = await decodeMono(file, rate);
      expect(mono.length).toBe(ref.length);
      expect(same(mono, ref)).toBe(true);
    }
  });

  it("a WAV with the widest frames allowed (8 float channels) is read in bounded blocks", async () => {
    const wide = path.join(dir, "wide.wav");
    const ch = Array.from({ length: 8 }, (_, c) => new Float32Array(150000).map((_, i) => Math.sin(i * 0.01 * (c + 1)) * 0.1));
    fs.writeFileSync(wide, encodeWavFloat32(ch, 16000));
    const sizes: number[] = [];
    await decodeAudioBlocks(wide, { format: () => {}, block: (c) => sizes.push(c[0]!.length) });
    expect(sizes).toEqual([65536, 65536, 150000 - 2 * 65536]);
    expect(Math.max(...sizes) * 8 * 4).toBeLessThanOrEqual(4 << 20);
    const got = await decodeAudio(wide);
    expect(got.channels.every((c, i) => same(c, ch[i]!))).toBe(true);
  });

  it("stops when aborted", async () => {
    const ac = new AbortController();
    ac.abort(new Error("cancelled"));
    await expect(decodeMono(stereo, 16000, { signal: ac.signal })).rejects.toThrow("cancelled");
  });
});
