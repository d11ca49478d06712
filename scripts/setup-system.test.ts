/** scripts/setup-system.sh on stand-in machines: a PATH of fake tools (apt-get records its calls). */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = path.join(import.meta.dirname, "setup-system.sh");
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A machine: `tools` are the commands on its PATH (each a script body); python answers find_spec like one with `modules`. */
function machine(opts: { tools: Record<string, string>; modules: string[]; chromium: boolean }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "vs-setup-"));
  roots.push(root);
  const bin = path.join(root, "bin");
  fs.mkdirSync(bin);
  const log = path.join(root, "calls.log");
  const write = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  for (const [name, body] of Object.entries(opts.tools)) write(name, body);
  // the real interpreter's find_spec, over a path that holds only stand-in modules
  const mods = path.join(root, "mods");
  fs.mkdirSync(mods);
  for (const m of opts.modules) fs.writeFileSync(path.join(mods, `${m}.py`), "");
  write("python", `if [ "$1" = -m ]; then echo "python $*" >> "$CALLS"; exit 0; fi\nexec /usr/bin/python3 -I -S -c 'import sys; sys.path.insert(0, "${mods}"); exec(sys.argv.pop(1))' "$2" "\${@:3}"`);
  if (opts.chromium) write("chromium", "exit 0");
  const run = (args: string[] = [], env: Record<string, string> = {}) =>
    spawnSync("/bin/bash", [SCRIPT, ...args], {
      env: { PATH: bin, PYTHON: path.join(bin, "python"), CHROMIUM_PATH: path.join(bin, "chromium"), CALLS: log, ...env } as unknown as NodeJS.ProcessEnv,
      encoding: "utf8",
    });
  return { run, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []) };
}

const ALL = ["torch", "numpy", "scipy", "faiss", "soundfile", "pytest", "onnx"];
const record = 'echo "${0##*/} $*" >> "$CALLS"';

describe("setup-system.sh", () => {
  it("does nothing (no apt-get, not even update) when everything is there", () => {
    const m = machine({ tools: { "espeak-ng": "", sox: "", caddy: "", "apt-get": record, id: "echo 0" }, modules: ALL, chromium: true });
    const r = m.run();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr, r.stdout).toBe("");
    expect(m.calls()).toEqual([]);
  });

  it("as root installs exactly what is missing", () => {
    const m = machine({ tools: { sox: "", caddy: "", "apt-get": record, id: "echo 0" }, modules: ALL.filter((x) => x !== "faiss" && x !== "onnx"), chromium: false });
    const r = m.run();
    expect(r.status, r.stderr).toBe(0);
    const calls = m.calls();
    expect(calls[0]).toBe("apt-get update -q");
    expect(calls[1]!.split(" ").slice(0, 5)).toEqual(["apt-get", "install", "-y", "-q", "--no-install-recommends"]);
    expect(calls[1]!.split(" ").slice(5).sort()).toEqual(["chromium", "espeak-ng", "python3-faiss", "python3-onnx"]);
  });

  it("without root or password-less sudo stops at once with the one command to run", () => {
    const m = machine({ tools: { "espeak-ng": "", sox: "", caddy: "", "apt-get": record, id: "echo 1000", sudo: "exit 1" }, modules: ALL.filter((x) => x !== "torch"), chromium: true });
    const r = m.run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("sudo apt-get update && sudo apt-get install -y -q --no-install-recommends python3-torch");
    expect(m.calls()).toEqual([]);
  });

  it("--runtime (the images): only what running the app needs — no browser, test audio tools, Caddy or pytest", () => {
    const m = machine({ tools: { "apt-get": record, id: "echo 0" }, modules: ["numpy", "scipy", "soundfile", "onnx", "faiss"], chromium: false });
    const r = m.run(["--runtime"]);
    expect(r.status, r.stderr).toBe(0);
    expect(m.calls()[1]!.split(" ").slice(5)).toEqual(["python3-torch"]);
  });

  it("--check says what is missing and installs nothing", () => {
    const m = machine({ tools: { "espeak-ng": "", sox: "", "apt-get": record, id: "echo 0" }, modules: ALL, chromium: true });
    const r = m.run(["--check"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("missing system packages: caddy");
    expect(m.calls()).toEqual([]);
    expect(m.run(["--runtime", "--check"]).status).toBe(0);
  });

  it("TORCH_INDEX_URL (CUDA images): torch from that pip index, the rest from apt", () => {
    const m = machine({ tools: { "apt-get": record, id: "echo 0" }, modules: ["numpy", "scipy", "soundfile", "onnx", "faiss"], chromium: false });
    // the stand-in python answers find_spec; `python -m pip …` is recorded like apt-get
    const r = m.run(["--runtime"], { TORCH_INDEX_URL: "https://download.pytorch.org/whl/cu124" });
    expect(r.status, r.stderr).toBe(0);
    expect(m.calls()[1]!.split(" ").slice(5)).toEqual(["python3-pip"]);
    expect(m.calls()[2]).toMatch(/pip install .*--index-url https:\/\/download\.pytorch\.org\/whl\/cu124 torch$/);
  });

  it("refuses an unknown option", () => {
    const m = machine({ tools: { id: "echo 0" }, modules: ALL, chromium: true });
    const r = m.run(["--frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option --frobnicate");
  });
});
