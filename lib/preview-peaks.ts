/**
 * The small waveform of a checkpoint's preview (issue 15): the loudest |sample| per column of a 16-bit PCM WAV, which
 * is what the trainer writes (worker/trainer/validation.py#write_preview). Computed once per preview and kept beside
 * it (`e{N}.peaks.json`, redone when the wav is newer), so the checkpoints answer reads a few hundred bytes per row.
 */
import fs from "node:fs/promises";
import { readWavLayout } from "./audio/limits";
import { writeFileAtomic } from "./fs-atomic";

export const PREVIEW_PEAK_COLUMNS = 48;

/** Pure: per column the peak |sample| (0…1, 3 decimals; channels mixed by max) of 16-bit PCM WAV bytes, or null. */
export function pcm16Peaks(bytes: Uint8Array, columns: number): number[] | null {
  const layout = readWavLayout(bytes.subarray(0, Math.min(bytes.length, 4096)));
  const fmt = layout?.fmt;
  if (!fmt || !layout.data || fmt.tag !== 1 || fmt.bits !== 16 || fmt.channels < 1) return null;
  const start = layout.data.at;
  const end = Math.min(bytes.length, start + (layout.data.size || bytes.length));
  const frames = Math.floor((end - start) / fmt.blockAlign);
  if (frames <= 0 || columns < 1) return frames === 0 ? [] : null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, frames * fmt.blockAlign);
  const samples = frames * fmt.channels;
  const out = new Array<number>(Math.min(columns, frames)).fill(0);
  for (let i = 0; i < samples; i++) {
    const col = Math.min(out.length - 1, Math.floor(((i / fmt.channels) * out.length) / frames));
    const a = Math.abs(view.getInt16(i * 2, true)) / 32768;
    if (a > out[col]!) out[col] = a;
  }
  return out.map((p) => Math.round(p * 1000) / 1000);
}

/** The peaks of a preview file (cached beside it), or null when it is not a 16-bit PCM WAV or cannot be read. */
export async function previewPeaks(file: string, columns = PREVIEW_PEAK_COLUMNS): Promise<number[] | null> {
  const cache = file.replace(/\.wav$/, "") + ".peaks.json";
  try {
    const [wav, cached] = await Promise.all([fs.stat(file), fs.stat(cache).catch(() => null)]);
    if (cached && cached.mtimeMs >= wav.mtimeMs) {
      const c = JSON.parse(await fs.readFile(cache, "utf8")) as { columns?: number; peaks?: unknown };
      if (c.columns === columns && Array.isArray(c.peaks) && c.peaks.every((x) => typeof x === "number")) return c.peaks as number[];
    }
    const peaks = pcm16Peaks(new Uint8Array(await fs.readFile(file)), columns);
    if (peaks) await writeFileAtomic(cache, JSON.stringify({ columns, peaks })).catch(() => undefined);
    return peaks;
  } catch {
    return null;
  }
}
