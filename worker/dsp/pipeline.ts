// The preprocess signal chain for one decoded file (rvc-formats §1.3–1.6), still I/O-free:
// high-pass → slicer → 3.7 s chunks → normalisation (with skips) → 16 kHz copy.
// Chunks get consecutive indices (our decision: nothing overwritten, no gaps).
import { chunkRanges, RVC_CHUNK_OVERLAP_SECONDS, RVC_CHUNK_SECONDS } from "./chunks";
import { HighpassStream, rvcHighpass } from "./highpass";
import { normalizeChunk } from "./normalize";
import { resample } from "./resample";
import { SlicerIndex, sliceRanges, type SampleRange } from "./slicer";

export const RVC_16K = 16000;

export interface PreprocessedChunk {
  kind: "chunk";
  /** idx1 of `{idx0}_{idx1}.wav` */
  index: number;
  /** normalised audio at the target rate, for 0_gt_wavs */
  gt: Float32Array;
  /** the same at 16 kHz, for 1_16k_wavs */
  at16k: Float32Array;
  /** sample offset of the chunk in the input */
  start: number;
  peak: number;
}

export interface SkippedChunk {
  kind: "skipped";
  reason: "too-loud" | "silent" | "non-finite";
  start: number;
  length: number;
  peak: number;
}

export interface PreprocessOptions {
  /** chunk length in seconds (RVC: 3.7, or 3.0 on small machines) */
  per?: number;
}

/**
 * Yields each chunk as soon as it is ready, so a caller can write it and drop it.
 * `x` is mono at `sampleRate` (the experiment's target rate).
 */
export function* preprocessChunks(
  x: Float32Array,
  sampleRate: number,
  options: PreprocessOptions = {},
): Generator<PreprocessedChunk | SkippedChunk> {
  const filtered = rvcHighpass(x, sampleRate);
  yield* chunksOfClips(sliceRanges(filtered, sampleRate), (start, end) => filtered.subarray(start, end), sampleRate, options);
}

/**
 * The chunks of the slicer's clips of a high-passed signal that `read(start, end)` gives back (from memory, or from
 * a scratch file for long inputs), in order.
 */
export function* chunksOfClips(
  clips: readonly SampleRange[],
  read: (start: number, end: number) => Float32Array,
  sampleRate: number,
  options: PreprocessOptions = {},
): Generator<PreprocessedChunk | SkippedChunk> {
  const per = options.per ?? RVC_CHUNK_SECONDS;
  let index = 0;
  for (const slice of clips) {
    for (const c of chunkRanges(slice.end - slice.start, sampleRate, per, RVC_CHUNK_OVERLAP_SECONDS)) {
      const start = slice.start + c.start;
      const r = normalizeChunk(read(start, slice.start + c.end));
      if (!r.ok) {
        yield { kind: "skipped", reason: r.reason, start, length: c.end - c.start, peak: r.peak };
        continue;
      }
      yield { kind: "chunk", index: index++, gt: r.audio, at16k: resample(r.audio, sampleRate, RVC_16K), start, peak: r.peak };
    }
  }
}

/**
 * The first pass of a streamed preprocess: the causal high-pass block by block and the slicer's index. The caller
 * keeps the filtered blocks (a scratch file), then reads the chunks with chunksOfClips(clips(), …): the same
 * chunks as preprocessChunks over the whole signal, while memory holds a block and the RMS index only.
 */
export class FilteredStream {
  private readonly highpass: HighpassStream;
  private readonly index: SlicerIndex;

  constructor(readonly sampleRate: number) {
    this.highpass = new HighpassStream(sampleRate);
    this.index = new SlicerIndex(sampleRate);
  }

  /** the next block of the mono signal at the target rate → the same block high-passed */
  push(x: Float32Array): Float32Array {
    const y = this.highpass.push(x);
    this.index.push(y);
    return y;
  }

  /** samples so far */
  get length(): number {
    return this.index.length;
  }

  /** the slicer's clips of everything pushed */
  clips(): SampleRange[] {
    return this.index.ranges();
  }
}

/** All chunks of one file at once (small inputs and tests). */
export function preprocessSignal(
  x: Float32Array,
  sampleRate: number,
  options: PreprocessOptions = {},
): { chunks: PreprocessedChunk[]; skipped: SkippedChunk[] } {
  const chunks: PreprocessedChunk[] = [];
  const skipped: SkippedChunk[] = [];
  for (const item of preprocessChunks(x, sampleRate, options)) {
    if (item.kind === "chunk") chunks.push(item);
    else skipped.push(item);
  }
  return { chunks, skipped };
}
