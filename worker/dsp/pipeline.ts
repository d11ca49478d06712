// The preprocess signal chain for one decoded file (rvc-formats §1.3–1.6), still I/O-free:
// high-pass → slicer → 3.7 s chunks → normalisation (with skips) → 16 kHz copy.
// Chunks get consecutive indices (our decision: nothing overwritten, no gaps).
import { chunkRanges, RVC_CHUNK_OVERLAP_SECONDS, RVC_CHUNK_SECONDS } from "./chunks";
import { rvcHighpass } from "./highpass";
import { normalizeChunk } from "./normalize";
import { resample } from "./resample";
import { sliceRanges } from "./slicer";

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
  const per = options.per ?? RVC_CHUNK_SECONDS;
  const filtered = rvcHighpass(x, sampleRate);
  let index = 0;
  for (const slice of sliceRanges(filtered, sampleRate)) {
    for (const c of chunkRanges(slice.end - slice.start, sampleRate, per, RVC_CHUNK_OVERLAP_SECONDS)) {
      const start = slice.start + c.start;
      const r = normalizeChunk(filtered.subarray(start, slice.start + c.end));
      if (!r.ok) {
        yield { kind: "skipped", reason: r.reason, start, length: c.end - c.start, peak: r.peak };
        continue;
      }
      yield { kind: "chunk", index: index++, gt: r.audio, at16k: resample(r.audio, sampleRate, RVC_16K), start, peak: r.peak };
    }
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
