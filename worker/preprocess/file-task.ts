/**
 * One upload through RVC's preprocessing chain, writing its chunks as `{idx0}_{idx1}.wav` (target rate and
 * 16 kHz). Runs in a worker thread (worker/thread-pool.ts) or inline. A failure is returned, not thrown, so
 * one bad file fails alone; its partial outputs are removed.
 *
 * Memory stays flat in the length of the file: the first pass decodes, resamples, down-mixes and high-passes
 * block by block into a float32 scratch file next to the chunks (4 bytes per sample at the target rate, removed
 * afterwards) while the slicer's RMS index grows by 16 bytes per 15 ms hop; the second pass reads each chunk back.
 * The chunks are the same as the whole-file chain's (worker/dsp tests).
 */
import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { decodeMonoBlocks } from "../../lib/audio";
import { writeFileAtomic } from "../../lib/fs-atomic";
import { chunksOfClips, FilteredStream, RVC_16K } from "../dsp/pipeline";
import { encodeWavFloat32 } from "../dsp/wav";
import { cleanClip, NoiseProfileEstimator } from "../analyze/clean";
import { vocalIsolator } from "../analyze/isolation";
import type { CleaningOptions } from "../../lib/dataset/analysis";
import { cleaningOn } from "../../lib/dataset/cleaning";

export interface FileTask {
  file: string;
  name: string;
  sampleRate: number;
  idx0: number;
  gtDir: string;
  wavDir: string;
  minSeconds: number;
  /** the dataset doctor's cleaning (null/absent or all off: the chunks are RVC's exactly) */
  cleaning?: CleaningOptions | null;
}

export interface FileResult {
  chunks: number;
  seconds: number;
  skipped: { start: number; length: number; reason: string }[];
  /** each written chunk: its idx1 and where it starts in the source (seconds) */
  slices: { index: number; startSec: number }[];
  error?: string;
  /** the errno code (ENOSPC, EIO, …) when the failure was the system's, not the recording's */
  code?: string;
}

export async function removeOutputs(dirs: string[], idx0: number): Promise<void> {
  for (const dir of dirs) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(`${idx0}_`)).map((n) => fs.rm(path.join(dir, n), { force: true })));
  }
}

export async function run(task: FileTask): Promise<FileResult> {
  const result: FileResult = { chunks: 0, seconds: 0, skipped: [], slices: [] };
  await removeOutputs([task.gtDir, task.wavDir], task.idx0);
  const scratch = path.join(task.gtDir, `.${task.idx0}.filtered.tmp`);
  let fd: number | null = null;
  try {
    fd = fsSync.openSync(scratch, "w+");
    const scratchFd = fd;
    const filtered = new FilteredStream(task.sampleRate);
    const cleaning = task.cleaning && cleaningOn(task.cleaning) ? task.cleaning : null;
    // the denoiser's noise profile: estimated in pass 1 over the whole (high-passed) file, in bounded memory
    const noise = cleaning?.denoise ? new NoiseProfileEstimator(task.sampleRate) : null;
    let written = 0;
    await decodeMonoBlocks(task.file, task.sampleRate, (block) => {
      const y = filtered.push(block);
      noise?.push(y);
      fsSync.writeSync(scratchFd, new Uint8Array(y.buffer, y.byteOffset, y.byteLength), 0, y.byteLength, written * 4);
      written += y.length;
    });
    result.seconds = filtered.length / task.sampleRate;
    if (result.seconds < task.minSeconds) {
      throw new Error(`too short (${result.seconds.toFixed(2)} s); each recording needs at least ${task.minSeconds} s`);
    }
    const read = (start: number, end: number) => {
      const x = new Float32Array(end - start);
      const got = fsSync.readSync(scratchFd, new Uint8Array(x.buffer), 0, x.byteLength, start * 4);
      if (got !== x.byteLength) throw new Error(`scratch file: read ${got} of ${x.byteLength} bytes`);
      return x;
    };
    let chunkOf: (start: number, end: number) => Float32Array = read;
    // the vocal isolation seam (worker/analyze/isolation.ts): none is registered unless a separator is added
    const isolator = vocalIsolator();
    if (isolator) chunkOf = (start, end) => isolator.isolate(read(start, end), task.sampleRate);
    const source = chunkOf;
    if (cleaning) {
      // each chunk is cleaned as it is read (memory stays a chunk), with the whole file's noise profile
      const profile = noise?.finish() ?? null;
      chunkOf = (start, end) => cleanClip(source(start, end), task.sampleRate, cleaning, profile);
    }
    for (const item of chunksOfClips(filtered.clips(), chunkOf, task.sampleRate)) {
      if (item.kind === "skipped") {
        result.skipped.push({ start: item.start / task.sampleRate, length: item.length / task.sampleRate, reason: item.reason });
        continue;
      }
      const name = `${task.idx0}_${item.index}.wav`;
      await writeFileAtomic(path.join(task.gtDir, name), encodeWavFloat32(item.gt, task.sampleRate));
      await writeFileAtomic(path.join(task.wavDir, name), encodeWavFloat32(item.at16k, RVC_16K));
      result.chunks++;
      result.slices.push({ index: item.index, startSec: item.start / task.sampleRate });
    }
    if (result.chunks === 0) throw new Error("silent: nothing above the slicer's threshold (-42 dB)");
  } catch (err) {
    await removeOutputs([task.gtDir, task.wavDir], task.idx0);
    const code = (err as NodeJS.ErrnoException).code;
    return { ...result, chunks: 0, error: (err as Error).message, ...(typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? { code } : {}) };
  } finally {
    if (fd !== null) fsSync.closeSync(fd);
    await fs.rm(scratch, { force: true });
  }
  return result;
}
