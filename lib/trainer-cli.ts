/** Short trainer commands (`python3 -m trainer …`) run to completion, e.g. `inspect`; their JSON lines parsed. */
import { spawn } from "node:child_process";
import path from "node:path";
import { config } from "./config";

// the web process (Next) and the worker both run from the project root
const WORKER_DIR = path.resolve(process.cwd(), "worker");

export interface TrainerRun {
  code: number | null;
  events: Record<string, unknown>[];
  stderr: string;
}

export function runTrainerCommand(args: string[], timeoutMs = 120_000): Promise<TrainerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(config().python, ["-m", "trainer", ...args], { cwd: WORKER_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${config().python}: ${e.message} (set PYTHON to an interpreter with PyTorch)`));
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
