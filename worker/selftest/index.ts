/**
 * Worker self-test: a short job that exercises the whole job path (queue, progress with ETA, logs,
 * metrics, cancel, retry after a crash) without any model. Started from the System page.
 */
import type { JobHandler } from "../runner";

export interface SelftestParams {
  seconds: number;
  steps: number;
}

export function parseSelftestParams(params: unknown): SelftestParams {
  const p = (params ?? {}) as Record<string, unknown>;
  const seconds = typeof p.seconds === "number" && p.seconds > 0 && p.seconds <= 3600 ? p.seconds : 10;
  const steps = typeof p.steps === "number" && Number.isInteger(p.steps) && p.steps > 0 && p.steps <= 100_000 ? p.steps : 100;
  return { seconds, steps };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export const selftest: JobHandler = async ({ job, signal, report, devices }) => {
  const { seconds, steps } = parseSelftestParams(job.params);
  report.log("info", `self-test: ${steps} steps over ${seconds} s (attempt ${job.attempts})${devices.length ? ` holding GPU slot ${devices.join(", ")}` : ""}`);
  const started = Date.now();
  for (let i = 1; i <= steps; i++) {
    await sleep((seconds * 1000) / steps, signal);
    report.progress(i, steps, "self-test", "steps");
    if (i % Math.max(1, Math.floor(steps / 10)) === 0) {
      report.log("info", `step ${i}/${steps}`);
      report.metric({ step: i, elapsed: (Date.now() - started) / 1000 });
    }
  }
  // `devices`: the GPU slots it held (asked for with `gpu: true`), so a check of the slots can see the assignment
  return { steps, seconds: (Date.now() - started) / 1000, devices };
};
