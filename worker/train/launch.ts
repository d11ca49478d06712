/**
 * Start `python3 -m trainer …` so that it cannot outlive the worker: on Linux the child asks the kernel
 * for SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG), and the trainer answers SIGTERM by saving a
 * checkpoint and exiting. So a worker killed with SIGKILL leaves a checkpoint, not a stray trainer that
 * keeps writing while the retried job starts another one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const WORKER_DIR = path.resolve(import.meta.dirname, "..");

const BOOTSTRAP = [
  "import os, signal, sys, runpy",
  "if sys.platform.startswith('linux'):",
  "    import ctypes",
  "    ctypes.CDLL(None).prctl(1, int(signal.SIGTERM), 0, 0, 0)",  // PR_SET_PDEATHSIG
  "    if os.getppid() != int(os.environ['VS_PARENT_PID']):",
  "        sys.exit('the worker that started this trainer is gone')",
  "sys.argv = ['trainer'] + sys.argv[1:]",
  "runpy.run_module('trainer', run_name='__main__', alter_sys=True)",
].join("\n");

/** `args` are the trainer's own (e.g. ["train", "--exp-dir", …]), without "-m trainer". */
export function spawnTrainer(python: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(python, ["-c", BOOTSTRAP, ...args], {
    cwd: WORKER_DIR,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, PYTHONUNBUFFERED: "1", VS_PARENT_PID: String(process.pid) },
  });
}
