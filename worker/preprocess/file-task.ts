/**
 * One upload through RVC's preprocessing chain, writing its chunks as `{idx0}_{idx1}.wav` (target rate and
 * 16 kHz). Runs in a worker thread (worker/thread-pool.ts) or inline. A failure is returned, not thrown, so
 * one bad file fails alone; its partial outputs are removed.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { decodeAudio } from "../../lib/audio";
import { writeFileAtomic } from "../../lib/fs-atomic";
import { preprocessChunks, RVC_16K } from "../dsp/pipeline";
import { downmix, encodeWavFloat32 } from "../dsp/wav";

export interface FileTask {
  file: string;
  name: string;
  sampleRate: number;
  idx0: number;
  gtDir: string;
  wavDir: string;
  minSeconds: number;
}

export interface FileResult {
  chunks: number;
  seconds: number;
  skipped: { start: number; length: number; reason: string }[];
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
  const result: FileResult = { chunks: 0, seconds: 0, skipped: [] };
  await removeOutputs([task.gtDir, task.wavDir], task.idx0);
  try {
    const decoded = await decodeAudio(task.file, { sampleRate: task.sampleRate });
    const mono = downmix(decoded.channels);
    result.seconds = mono.length / task.sampleRate;
    if (result.seconds < task.minSeconds) {
      throw new Error(`too short (${result.seconds.toFixed(2)} s); each recording needs at least ${task.minSeconds} s`);
    }
    for (const item of preprocessChunks(mono, task.sampleRate)) {
      if (item.kind === "skipped") {
        result.skipped.push({ start: item.start / task.sampleRate, length: item.length / task.sampleRate, reason: item.reason });
        continue;
      }
      const name = `${task.idx0}_${item.index}.wav`;
      await writeFileAtomic(path.join(task.gtDir, name), encodeWavFloat32(item.gt, task.sampleRate));
      await writeFileAtomic(path.join(task.wavDir, name), encodeWavFloat32(item.at16k, RVC_16K));
      result.chunks++;
    }
    if (result.chunks === 0) throw new Error("silent: nothing above the slicer's threshold (-42 dB)");
  } catch (err) {
    await removeOutputs([task.gtDir, task.wavDir], task.idx0);
    const code = (err as NodeJS.ErrnoException).code;
    return { ...result, chunks: 0, error: (err as Error).message, ...(typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? { code } : {}) };
  }
  return result;
}
