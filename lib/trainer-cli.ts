/**
 * Short trainer commands (`python3 -m trainer …`) run to completion, e.g. `inspect`; their JSON lines parsed.
 * At most MAX_PYTHON_HELPERS run at once per process (each loads PyTorch: hundreds of MB); a caller waits up to
 * `waitMs` for a slot, then gets 503 `busy` with Retry-After.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { config } from "./config";
import { ApiError } from "./errors";
import { Semaphore, SemaphoreTimeout } from "./semaphore";
import { pythonExecutable } from "./python";

// the web process (Next) and the worker both run from the project root
const WORKER_DIR = path.resolve(process.cwd(), "worker");

export interface TrainerRun {
  code: number | null;
  events: Record<string, unknown>[];
  stderr: string;
}

/** How long a caller waits for a free Python helper slot before 503 busy. */
export const PYTHON_HELPER_WAIT_MS = 30_000;
const RETRY_AFTER_SECONDS = 10;
const HELPER_NICENESS = 10;

const g = globalThis as unknown as { __vsPythonHelpers?: Semaphore };
/** The process-wide limit (kept on globalThis: Next may load this module more than once). */
export function pythonHelpers(): Semaphore {
  g.__vsPythonHelpers ??= new Semaphore(config().maxPythonHelpers);
  return g.__vsPythonHelpers;
}

export function busyError(limit: number): ApiError {
  return new ApiError(
    503,
    "busy",
    `The server is already running ${limit} model check(s) (MAX_PYTHON_HELPERS=${limit}); try again in a few seconds`,
    { limit, retryAfterSeconds: RETRY_AFTER_SECONDS },
    { "retry-after": String(RETRY_AFTER_SECONDS) },
  );
}

/** Why a trainer command failed, in one line: its `error` event, else the last line of stderr, else the exit code. */
export function trainerFailure(run: TrainerRun): string {
  return (run.events.find((e) => e.type === "error")?.message as string | undefined) ?? run.stderr.trim().split("\n").pop() ?? `exit ${run.code}`;
}

export async function runTrainerCommand(args: string[], timeoutMs = 120_000, waitMs = PYTHON_HELPER_WAIT_MS): Promise<TrainerRun> {
  const slots = pythonHelpers();
  let release: () => void;
  try {
    release = await slots.acquire(waitMs);
  } catch (err) {
    if (err instanceof SemaphoreTimeout) throw busyError(slots.max);
    throw err;
  }
  try {
    return await spawnTrainer(args, timeoutMs);
  } finally {
    release();
  }
}

async function spawnTrainer(args: string[], timeoutMs: number): Promise<TrainerRun> {
  const python = await pythonExecutable();
  return new Promise((resolve, reject) => {
    const child = spawn(python, ["-m", "trainer", ...args], { cwd: WORKER_DIR, stdio: ["ignore", "pipe", "pipe"] });
    // below the server's own priority: a helper loading PyTorch must not starve the web's event loop of CPU
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, HELPER_NICENESS);
      } catch {
        /* not permitted here: runs at normal priority */
      }
    }
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${python}: ${e.message} (set PYTHON to an interpreter with PyTorch)`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const events = out
        .split("\n")
        .filter((l) => l.trim().startsWith("{"))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return { type: "text", line: l };
          }
        });
      resolve({ code, events, stderr: err });
    });
  });
}
