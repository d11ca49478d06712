/** Child processes with prefixed output, and a clean way to stop them all. */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import readline from "node:readline";
import { describeExit } from "./restart-policy";
import type { Instance } from "./supervisor";

export function prefixed(prefix: string) {
  return (line: string) => process.stdout.write(`${prefix} ${line}\n`);
}

export function startChild(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): ChildProcess {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const out = prefixed(`[${name}]`);
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on("line", (line) => {
      out(line);
      onLine?.(line);
    });
  }
  return child;
}

/** A child process as a supervised instance (see supervisor.ts): SIGTERM with `graceMs` grace to stop. */
export function childInstance(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, graceMs: number): Instance {
  let last: string | undefined;
  const child = startChild(name, cmd, args, env, (line) => {
    if (line.trim()) last = line.trim();
  });
  return {
    exited: new Promise((resolve) => {
      child.once("close", (code, signal) => resolve(describeExit(code, signal)));
      child.once("error", (err) => resolve(`could not run: ${err.message}`));
    }),
    stop: () => terminate(child, graceMs),
    lastLine: () => last,
  };
}

/** Resolve with the exit code once the child has exited. */
export function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? 1);
  // "close" (not "exit") so the last output lines are printed before we go on.
  return new Promise((resolve) => child.once("close", (code) => resolve(code ?? 1)));
}

/** SIGTERM, then SIGKILL after `graceMs` if it is still running. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited(child);
  clearTimeout(timer);
}

export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}
