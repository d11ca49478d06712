// Test helper: runs /usr/bin/python3 snippets for cross-checks against numpy/scipy when available.
import { spawnSync } from "node:child_process";

const PYTHON = "/usr/bin/python3";

/** Whether /usr/bin/python3 can import every listed module. */
export function pythonHas(...modules: string[]): boolean {
  const r = spawnSync(PYTHON, ["-c", modules.map((m) => `import ${m}`).join("; ")], { stdio: "ignore" });
  return r.status === 0;
}

/** Run a Python snippet with argv and return its stdout parsed as JSON. */
export function runPythonJson<T = unknown>(code: string, ...args: string[]): T {
  const r = spawnSync(PYTHON, ["-c", code, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
