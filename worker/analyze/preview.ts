/**
 * The before/after player's audio (dataset doctor): the first ≤ 10 s of an upload, as it is or with the cleaning
 * applied, rendered on demand as a 16-bit mono WAV. Bounded: at most `seconds` of audio is kept (the decode stops
 * there), and the denoiser's noise profile comes from that excerpt itself.
 */
import { decodeMonoBlocks } from "../../lib/audio";
import type { CleaningOptions } from "../../lib/dataset/analysis";
import { wavHeaderPcm16 } from "../convert/output";
import { cleanClip, estimateNoiseProfile } from "./clean";

/** The rate previews are rendered at (enough for speech; keeps a 10 s preview under 1 MB). */
export const PREVIEW_RATE = 24000;
export const MAX_PREVIEW_SECONDS = 10;

/** Pure: float samples → a 16-bit PCM mono WAV (clamped to ±1). */
export function encodePcm16Wav(x: Float32Array, sampleRate: number): Buffer {
  const out = Buffer.alloc(44 + x.length * 2);
  wavHeaderPcm16(x.length, sampleRate).copy(out, 0);
  for (let i = 0; i < x.length; i++) out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x[i]!)) * 32767), 44 + i * 2);
  return out;
}

/** The first `seconds` (≤ 10) of `file` as mono at PREVIEW_RATE. */
export async function decodeExcerpt(file: string, seconds: number): Promise<Float32Array> {
  const want = Math.round(Math.min(seconds, MAX_PREVIEW_SECONDS) * PREVIEW_RATE);
  const out = new Float32Array(want);
  let have = 0;
  const stop = new AbortController();
  try {
    await decodeMonoBlocks(
      file,
      PREVIEW_RATE,
      (block) => {
        if (have >= want) return;
        const n = Math.min(block.length, want - have);
        out.set(block.subarray(0, n), have);
        have += n;
        if (have >= want) stop.abort(new Error("enough"));
      },
      { signal: stop.signal },
    );
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  }
  return out.subarray(0, have);
}

/** The preview WAV: the excerpt, cleaned with `cleaning` when given. */
export async function renderPreview(file: string, seconds: number, cleaning: CleaningOptions | null): Promise<Buffer> {
  let x = await decodeExcerpt(file, seconds);
  if (cleaning) x = cleanClip(x, PREVIEW_RATE, cleaning, cleaning.denoise ? estimateNoiseProfile(x, PREVIEW_RATE) : null);
  return encodePcm16Wav(x, PREVIEW_RATE);
}
