// File plumbing of the separate job, flat in memory: the upload decoded to a stereo 44.1 kHz float32 scratch file
// (8 bytes per frame, read back by position, chunk by chunk) and a float32 stereo WAV written piece by piece.
import fsSync from "node:fs";
import fs from "node:fs/promises";
import { decodeAudioBlocks } from "../../lib/audio";
import { getResampler, type ResampleStream } from "../dsp/resample";
import { encodeWavFloat32 } from "../dsp/wav";
import type { Stereo, StereoSource } from "./engine";

/** MDX-Net models are trained on 44.1 kHz stereo. */
export const MDX_RATE = 44100;

/**
 * Decode `file` into `scratch` as interleaved float32 stereo at 44.1 kHz (our resampler for other rates). Mono is
 * used for both sides; with more than two channels the first two (front left/right) are kept. Returns the frames
 * written, and the source's rate, frames and channels.
 */
export async function decodeToStereoScratch(
  file: string,
  scratch: string,
  signal?: AbortSignal,
): Promise<{ frames: number; sourceRate: number; sourceFrames: number; channels: number }> {
  const fd = fsSync.openSync(scratch, "w");
  let frames = 0;
  let sourceFrames = 0;
  let streams: ResampleStream[] | null = null;
  const write = (chans: Float32Array[]) => {
    const l = chans[0]!, r = chans[1] ?? chans[0]!;
    const n = l.length;
    if (n === 0) return;
    const buf = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      buf[2 * i] = l[i]!;
      buf[2 * i + 1] = r[i]!;
    }
    fsSync.writeSync(fd, new Uint8Array(buf.buffer));
    frames += n;
  };
  try {
    const src = await decodeAudioBlocks(
      file,
      {
        format(rate, nch) {
          const used = Math.min(2, nch);
          if (rate !== MDX_RATE) streams = Array.from({ length: used }, () => getResampler(rate, MDX_RATE).stream());
        },
        block(chans) {
          sourceFrames += chans[0]?.length ?? 0;
          const two = chans.slice(0, 2);
          write(streams ? two.map((c, i) => streams![i]!.push(c)) : two);
        },
      },
      signal ? { signal } : {},
    );
    if (streams) write((streams as ResampleStream[]).map((s) => s.end()));
    return { frames, sourceRate: src.sampleRate, sourceFrames, channels: src.channels };
  } finally {
    fsSync.closeSync(fd);
  }
}

/** A StereoSource over an interleaved float32 scratch file (zeros outside it). Close it when done. */
export async function scratchSource(scratch: string, frames: number): Promise<StereoSource & { close(): Promise<void> }> {
  const fh = await fs.open(scratch, "r");
  let buf = new Float32Array(0);
  return {
    length: frames,
    async read(start, left, right) {
      left.fill(0);
      right.fill(0);
      const from = Math.max(0, start), to = Math.min(frames, start + left.length);
      if (to <= from) return;
      const n = to - from;
      if (buf.length < 2 * n) buf = new Float32Array(2 * n);
      const bytes = new Uint8Array(buf.buffer, 0, 8 * n);
      let got = 0;
      while (got < bytes.length) {
        const { bytesRead } = await fh.read(bytes, got, bytes.length - got, from * 8 + got);
        if (bytesRead === 0) throw new Error(`scratch file ended early at frame ${from + got / 8}`);
        got += bytesRead;
      }
      const off = from - start;
      for (let i = 0; i < n; i++) {
        left[off + i] = buf[2 * i]!;
        right[off + i] = buf[2 * i + 1]!;
      }
    },
    close: () => fh.close(),
  };
}

/** A float32 stereo WAV of a known length, written in order; `close` checks that exactly `frames` came. */
export async function wavWriter(file: string, frames: number, rate = MDX_RATE): Promise<{ write(s: Stereo): Promise<void>; close(): Promise<void> }> {
  const header = encodeWavFloat32([new Float32Array(0), new Float32Array(0)], rate);
  const v = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const dataBytes = frames * 8;
  v.setUint32(4, header.length - 8 + dataBytes, true);
  v.setUint32(46, frames, true); // fact: frames
  v.setUint32(54, dataBytes, true);
  const fh = await fs.open(file, "w");
  await fh.write(header);
  let written = 0;
  return {
    async write(s) {
      const n = s.left.length;
      const buf = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        buf[2 * i] = s.left[i]!;
        buf[2 * i + 1] = s.right[i]!;
      }
      await fh.write(new Uint8Array(buf.buffer));
      written += n;
    },
    async close() {
      await fh.close();
      if (written !== frames) throw new Error(`wrote ${written} frames to ${file}, expected ${frames}`);
    },
  };
}
