/**
 * A small pool of worker threads for CPU-bound pipeline work (the worker process runs one GPU job at a
 * time, but DSP such as resampling should use every core). Each task runs `export async function run(input)`
 * of the given module in a thread; aborting terminates the threads at once (the tasks write atomically,
 * so nothing half-written is left under a final name).
 */
import os from "node:os";
import { Worker } from "node:worker_threads";

const ENTRY = new URL("./thread-entry.mjs", import.meta.url);

export function defaultThreads(): number {
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
}

export async function runInThreads<I, O>(
  modulePath: string,
  inputs: I[],
  options: { threads?: number; signal?: AbortSignal; onResult?: (index: number, output: O) => void | Promise<void> } = {},
): Promise<O[]> {
  const results: O[] = new Array(inputs.length);
  const threads = Math.min(options.threads ?? defaultThreads(), inputs.length);
  let next = 0;
  const live = new Set<Worker>();
  const abort = () => {
    for (const w of live) void w.terminate();
  };
  options.signal?.addEventListener("abort", abort, { once: true });
  const lane = async () => {
    const w = new Worker(ENTRY, { workerData: { modulePath } });
    live.add(w);
    try {
      while (next < inputs.length) {
        if (options.signal?.aborted) throw options.signal.reason;
        const index = next++;
        const output = await new Promise<O>((resolve, reject) => {
          const onMessage = (m: { ok: boolean; output?: O; error?: string }) => {
            cleanup();
            if (m.ok) resolve(m.output as O);
            else reject(new Error(m.error));
          };
          const onError = (e: Error) => (cleanup(), reject(e));
          const onExit = (code: number) => (cleanup(), reject(options.signal?.aborted ? options.signal.reason : new Error(`worker thread exited (${code})`)));
          const cleanup = () => {
            w.off("message", onMessage);
            w.off("error", onError);
            w.off("exit", onExit);
          };
          w.on("message", onMessage);
          w.on("error", onError);
          w.on("exit", onExit);
          w.postMessage(inputs[index]);
        });
        results[index] = output;
        await options.onResult?.(index, output);
      }
    } finally {
      live.delete(w);
      await w.terminate();
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, lane));
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
  if (options.signal?.aborted) throw options.signal.reason;
  return results;
}
