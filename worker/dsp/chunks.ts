// Fixed-length chunking of each slicer clip (rvc-formats §1.5): `per` seconds every
// `per − overlap` seconds; once at most `per + overlap` seconds remain, the rest is one final chunk.
import type { SampleRange } from "./slicer";

export const RVC_CHUNK_SECONDS = 3.7;
/** what upstream lowers `per` to on small or CPU-only machines */
export const RVC_CHUNK_SECONDS_LOW_MEMORY = 3.0;
export const RVC_CHUNK_OVERLAP_SECONDS = 0.3;

/**
 * Chunk ranges for a clip of `length` samples; empty for an empty clip. The float arithmetic
 * is done in upstream's order so boundaries land on the same samples.
 */
export function chunkRanges(
  length: number,
  sampleRate: number,
  per: number = RVC_CHUNK_SECONDS,
  overlap: number = RVC_CHUNK_OVERLAP_SECONDS,
): SampleRange[] {
  if (!(per > overlap && overlap >= 0)) throw new RangeError("chunking needs per > overlap >= 0");
  if (length <= 0) return [];
  const tail = (per + overlap) * sampleRate;
  const full = Math.trunc(per * sampleRate);
  const out: SampleRange[] = [];
  for (let i = 0; ; i++) {
    const start = Math.trunc(sampleRate * (per - overlap) * i);
    if (length - start > tail) {
      out.push({ start, end: start + full });
    } else {
      out.push({ start, end: length });
      return out;
    }
  }
}

/** The chunks of one clip as views. */
export function chunkAudio(
  clip: Float32Array,
  sampleRate: number,
  per: number = RVC_CHUNK_SECONDS,
  overlap: number = RVC_CHUNK_OVERLAP_SECONDS,
): Float32Array[] {
  return chunkRanges(clip.length, sampleRate, per, overlap).map((r) => clip.subarray(r.start, r.end));
}
