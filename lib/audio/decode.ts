/**
 * Decode audio for the worker (preprocess, conversion), block by block: memory does not grow with the length of a
 * file. WAV goes through the pure decoder in worker/dsp/wav.ts (no process, exactly what RVC reads), read in blocks
 * from the file; everything else through ffmpeg at its native rate, over a pipe (a synchronous consumer holds
 * ffmpeg back: nothing piles up). Resampling, when asked for, is always our own (worker/dsp/resample.ts), never
 * ffmpeg's, and block-wise gives the same samples as resampling the whole file.
 */
import fs from "node:fs/promises";
import { getResampler, type ResampleStream } from "../../worker/dsp/resample";
import { downmix, type ChannelLayout } from "../../worker/dsp/downmix";
import { decodeWavFrames, readWavLayout, type WavLayout } from "../../worker/dsp/wav";
import { runDecoder } from "./probe";

export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
  /** what the file says of its speakers (ffmpeg's layout name or a WAV mask), for `downmix` */
  layout?: ChannelLayout;
}

/** Frames per block handed to a consumer (fewer for WAVs with wide frames: a block reads at most 4 MiB). */
export const DECODE_BLOCK_FRAMES = 1 << 16;
const DECODE_BLOCK_BYTES = 4 << 20;

export interface AudioBlockSink {
  /** called once, before the first block; `layout`: ffmpeg's layout name or a WAV channel mask, when stated */
  format(sampleRate: number, channels: number, layout?: ChannelLayout): void;
  /** the next frames, one Float32Array per channel (all the same length); called synchronously in order */
  block(channels: Float32Array[]): void;
}

function isRiffWave(head: Uint8Array): boolean {
  const s = (a: number) => String.fromCharCode(...head.subarray(a, a + 4));
  return head.length >= 12 && s(0) === "RIFF" && s(8) === "WAVE";
}

function abortIfAsked(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error("aborted");
}

/** Decode `file` at its own rate into `sink`, block by block. Returns the rate and channel count. */
export async function decodeAudioBlocks(
  file: string,
  sink: AudioBlockSink,
  options: { signal?: AbortSignal } = {},
): Promise<{ sampleRate: number; channels: number; layout?: ChannelLayout }> {
  const fh = await fs.open(file, "r");
  try {
    const { size } = await fh.stat();
    const read = async (position: number, length: number) => {
      const b = new Uint8Array(Math.max(0, Math.min(length, size - position)));
      const { bytesRead } = await fh.read(b, 0, b.length, position);
      return b.subarray(0, bytesRead);
    };
    let layout: WavLayout | undefined;
    if (isRiffWave(await read(0, 12))) {
      try {
        layout = await readWavLayout(read, size);
      } catch {
        // a WAV flavour the pure decoder does not read (e.g. ADPCM): let ffmpeg try
      }
    }
    if (layout) {
      sink.format(layout.sampleRate, layout.channels, layout.channelMask);
      const blockFrames = Math.max(1, Math.min(DECODE_BLOCK_FRAMES, Math.floor(DECODE_BLOCK_BYTES / layout.frameBytes)));
      for (let f = 0; f < layout.frames; f += blockFrames) {
        abortIfAsked(options.signal);
        const n = Math.min(blockFrames, layout.frames - f);
        const bytes = await read(layout.dataOffset + f * layout.frameBytes, n * layout.frameBytes);
        sink.block(decodeWavFrames(layout, bytes));
      }
      return { sampleRate: layout.sampleRate, channels: layout.channels, layout: layout.channelMask };
    }
  } finally {
    await fh.close();
  }
  let nch = 1;
  const { info } = await runDecoder(
    file,
    (i) => {
      nch = i.channels;
      sink.format(i.sampleRate, i.channels, i.layout);
    },
    (s) => {
      const frames = s.length / nch;
      const channels = Array.from({ length: nch }, () => new Float32Array(frames));
      for (let i = 0, f = 0; i < s.length; i += nch, f++) for (let c = 0; c < nch; c++) channels[c]![f] = s[i + c]!;
      sink.block(channels);
    },
    options.signal,
  );
  return { sampleRate: info.sampleRate, channels: info.channels, layout: info.layout };
}

/**
 * Decode `file` to mono at `sampleRate`, block by block into `onBlock`: each channel resampled (as a stream), then
 * mixed with ffmpeg's `-ac 1` gains (worker/dsp/downmix.ts) — the same samples as decodeAudio(file, { sampleRate })
 * followed by downmix(channels, layout). Returns the source's rate
 * and channel count and the mono length.
 */
export async function decodeMonoBlocks(
  file: string,
  sampleRate: number,
  onBlock: (mono: Float32Array) => void,
  options: { signal?: AbortSignal } = {},
): Promise<{ sourceRate: number; channels: number; length: number }> {
  let streams: ResampleStream[] | null = null;
  let layout: ChannelLayout;
  let length = 0;
  const emit = (channels: Float32Array[]) => {
    if (channels[0]!.length === 0) return;
    const mono = downmix(channels, layout);
    length += mono.length;
    onBlock(mono);
  };
  const src = await decodeAudioBlocks(
    file,
    {
      format(rate, nch, stated) {
        layout = stated;
        if (rate !== sampleRate) streams = Array.from({ length: nch }, () => getResampler(rate, sampleRate).stream());
      },
      block(channels) {
        emit(streams ? channels.map((c, i) => streams![i]!.push(c)) : channels);
      },
    },
    options,
  );
  if (streams) emit((streams as ResampleStream[]).map((s) => s.end()));
  return { sourceRate: src.sampleRate, channels: src.channels, length };
}

/** Join blocks into one array (the blocks are dropped as they are copied). */
function concat(blocks: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total);
  let at = 0;
  for (let i = 0; i < blocks.length; i++) {
    out.set(blocks[i]!, at);
    at += blocks[i]!.length;
    blocks[i] = new Float32Array(0);
  }
  return out;
}

/** The whole file as mono at `sampleRate` (held: the native-rate channels never are). */
export async function decodeMono(file: string, sampleRate: number, options: { signal?: AbortSignal } = {}): Promise<Float32Array> {
  const blocks: Float32Array[] = [];
  const { length } = await decodeMonoBlocks(file, sampleRate, (b) => blocks.push(b), options);
  return concat(blocks, length);
}

/** Decode a whole file to float channels (at `sampleRate` when given): small files and tests. */
export async function decodeAudio(file: string, options: { sampleRate?: number; signal?: AbortSignal } = {}): Promise<DecodedAudio> {
  let parts: Float32Array[][] = [];
  const { sampleRate, channels: nch, layout } = await decodeAudioBlocks(file, { format: () => {}, block: (c) => parts.push(c) }, options);
  const frames = parts.reduce((n, p) => n + p[0]!.length, 0);
  let channels = Array.from({ length: nch }, (_, c) => concat(parts.map((p) => p[c]!), frames));
  parts = [];
  if (options.sampleRate && options.sampleRate !== sampleRate) {
    channels = channels.map((c) => getResampler(sampleRate, options.sampleRate!).process(c));
    return { sampleRate: options.sampleRate, channels, layout };
  }
  return { sampleRate, channels, layout };
}
