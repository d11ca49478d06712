/** Spawn our TypeScript entry points as real processes and wait for what they print or serve. */
import fs from "node:fs";
import os from "node:os";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface Proc {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>;
  exit: () => Promise<number | null>;
}

export function startTs(script: string, env: NodeJS.ProcessEnv, args: string[] = []): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exitP = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exit: () => exitP,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const until = Date.now() + timeoutMs;
        const tick = () => {
          if (pattern.test(out)) return resolve();
          if (child.exitCode !== null) return reject(new Error(`process exited (${child.exitCode}) before ${pattern}:\n${out}`));
          if (Date.now() > until) return reject(new Error(`timed out waiting for ${pattern}:\n${out}`));
          setTimeout(tick, 100);
        };
        tick();
      }),
  };
}

export async function until<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Worker processes for one test file: `start()` spawns one (1 s heartbeat); `killAll()` in afterAll. */
export function workerPool() {
  const procs: Proc[] = [];
  return {
    start(extra: Record<string, string> = {}): Proc {
      const p = startTs("worker/main.ts", { ...process.env, WORKER_HEARTBEAT_SECONDS: "1", ...extra });
      procs.push(p);
      return p;
    },
    async stopAll(): Promise<void> {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGTERM");
      await Promise.all(procs.map((p) => p.exit()));
    },
    killAll(): void {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    },
  };
}

/** A temp DATA_ROOT for a launcher: embedded Postgres runs as `postgres` when we are root, so it must be able to enter it. */
export function launcherDataRoot(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(d, 0o755);
  return d;
}
