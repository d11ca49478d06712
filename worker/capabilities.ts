/** What this worker can do, reported in its heartbeat: host, ONNX execution providers, CUDA, Python + torch. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import type { Capabilities } from "../lib/workers";
import type { PythonChoice } from "../lib/python";

export type { Capabilities };


function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error((stderr || err.message).trim().split("\n").slice(-1)[0]));
      else resolve(stdout);
    });
  });
}

async function onnxInfo(): Promise<Capabilities["onnxruntime"]> {
  try {
    const ort = (await import("onnxruntime-node")) as unknown as {
      listSupportedBackends?: () => { name: string; bundled: boolean }[];
      env: { versions?: { node?: string } };
    };
    const backends = ort.listSupportedBackends?.() ?? [{ name: "cpu", bundled: true }];
    // "bundled: false" providers (cuda, tensorrt) need libraries the package downloads at install time.
    const cudaLib = backends.some((b) => b.name === "cuda") && cudaProviderInstalled();
    // webgpu is bundled but is a browser-style API, not a server execution provider we use.
    const usable = backends
      .filter((b) => (b.name === "cpu" && b.bundled) || (b.name === "cuda" && cudaLib))
      .map((b) => b.name);
    return { version: ort.env.versions?.node ?? null, executionProviders: usable, available: backends.map((b) => b.name) };
  } catch (err) {
    return { version: null, executionProviders: [], available: [], error: (err as Error).message };
  }
}

function cudaProviderInstalled(): boolean {
  try {
    const dir = new URL("../node_modules/onnxruntime-node/bin/", import.meta.url);
    const walk = (d: string): boolean =>
      fs.readdirSync(d, { withFileTypes: true }).some((e) =>
        e.isDirectory() ? walk(`${d}/${e.name}`) : /onnxruntime_providers_cuda/.test(e.name),
      );
    return walk(dir.pathname);
  } catch {
    return false;
  }
}

async function cudaInfo(): Promise<Capabilities["cuda"]> {
  try {
    const out = await run("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"], 10_000);
    const gpus = out
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [name, mem] = line.split(",").map((s) => s.trim());
        return { name: name ?? "GPU", memoryMiB: mem ? Number(mem) : null };
      });
    return { visible: gpus.length > 0, gpus, source: "nvidia-smi" };
  } catch {
    const visible = fs.existsSync("/proc/driver/nvidia/version");
    return { visible, gpus: [], source: visible ? "/proc/driver/nvidia" : "none" };
  }
}

const PY_PROBE = [
  "import json, platform",
  "info = {'version': platform.python_version(), 'torch': None, 'cuda': None}",
  "try:",
  "    import torch",
  "    info['torch'] = torch.__version__",
  "    info['cuda'] = bool(torch.cuda.is_available())",
  "except Exception as e:",
  "    info['error'] = 'torch: ' + str(e)",
  "print(json.dumps(info))",
].join("\n");

async function pythonInfo(executable: string): Promise<Capabilities["python"]> {
  try {
    const out = await run(executable, ["-c", PY_PROBE], 60_000);
    const info = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
      version: string;
      torch: string | null;
      cuda: boolean | null;
      error?: string;
    };
    return { executable, version: info.version, torch: info.torch, torchCuda: info.cuda, ...(info.error ? { error: info.error } : {}) };
  } catch (err) {
    return { executable, version: null, torch: null, torchCuda: null, error: (err as Error).message };
  }
}

export async function probeCapabilities(pythonExecutable: string, choice?: PythonChoice): Promise<Capabilities> {
  const [onnxruntime, cuda, probed] = await Promise.all([onnxInfo(), cudaInfo(), pythonInfo(pythonExecutable)]);
  // how the interpreter was chosen (PYTHON, or the first candidate with torch), for the System page
  const python = choice ? { ...probed, source: choice.source, passedOver: choice.passedOver } : probed;
  return {
    host: os.hostname(),
    pid: process.pid,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    onnxruntime,
    cuda,
    python,
  };
}
