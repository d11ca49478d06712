/**
 * bench/gpu-check (not a test; issue 20): one short run on a CUDA host that prints one table of what really runs on
 * the GPU and how fast. Each row is a real measurement or says why it was skipped; nothing here is needed by a test.
 *   1. the machine: GPUs (nvidia-smi), PyTorch and its CUDA, onnxruntime's CUDA provider library
 *   2. ONNX sessions: the provider the content, pitch (RMVPE: HUBERT_PATH/RMVPE_PATH when the real files are there)
 *      and synthesizer sessions really use, and the conversion's real-time factor (bench/convert.ts --gpu)
 *   3. the trainer: 20 steps of the full-size v2 40k model in fp32, fp16 and bf16 (`trainer bench`)
 *   4. two-GPU DDP (only with 2+ GPUs): 2 epochs of a small synthetic experiment with `trainer train --gpus 0,1`
 *   5. two GPU jobs at once on two slots: not yet (GPU slots are the open part of issue 20)
 * Usage: node --import tsx bench/gpu-check.ts [--steps 20]   (PYTHON: interpreter with torch; default /usr/bin/python3)
 * Each step has its own time limit, so the whole check stays within a few minutes.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { config } from "../lib/config";

const root = path.resolve(import.meta.dirname, "..");
const python = process.env.PYTHON ?? "/usr/bin/python3";
const stepsArg = process.argv.indexOf("--steps");
const steps = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 20;
const rows: [string, string, string][] = [];
const row = (what: string, result: string, note = "") => {
  rows.push([what, result, note]);
  console.log(`  ${what}: ${result}${note ? ` (${note})` : ""}`);
};

function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd ?? root, timeout: opts.timeoutMs, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env }, (error, out, err) =>
      resolve({ ok: !error, out: out ?? "", err: (err ?? "") + (error && !err ? error.message : "") }),
    );
  });
}
const lastLine = (s: string) => {
  const lines = s.trim().split("\n").filter(Boolean);
  // a thrown error's line, not Node's "Node.js v20…" footer
  return lines.findLast((l) => /error/i.test(l)) ?? lines.pop() ?? "";
};
const jsonLines = (s: string) =>
  s.split("\n").flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

// 1. the machine
console.log("machine");
const smi = await run("nvidia-smi", ["--query-gpu=index,name,memory.total,driver_version", "--format=csv,noheader"], { timeoutMs: 15_000 });
const gpus = smi.ok ? smi.out.trim().split("\n").filter(Boolean) : [];
row("GPUs (nvidia-smi)", gpus.length ? gpus.join(" | ") : "none", smi.ok ? "" : lastLine(smi.err) || "nvidia-smi not found");
const torchInfo = await run(python, ["-c", "import json, torch; print(json.dumps({'torch': torch.__version__, 'cuda': torch.version.cuda, 'available': torch.cuda.is_available(), 'count': torch.cuda.device_count(), 'bf16': bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())}))"], { timeoutMs: 60_000 });
const torch = torchInfo.ok ? (JSON.parse(lastLine(torchInfo.out)) as { torch: string; cuda: string | null; available: boolean; count: number; bf16: boolean }) : null;
row("PyTorch", torch ? `${torch.torch}, CUDA ${torch.cuda ?? "none"}, ${torch.count} device(s) visible` : "not importable", torch ? "" : lastLine(torchInfo.err));
const ortCuda = await run(process.execPath, ["--import", "tsx", "-e", "import('./worker/onnx/session.ts').then(async (m) => console.log(JSON.stringify(await m.cudaProviderAvailable())))"], { timeoutMs: 60_000 });
row("onnxruntime CUDA provider", ortCuda.ok ? lastLine(ortCuda.out) : "could not check", ortCuda.ok ? "" : lastLine(ortCuda.err));
const cuda = Boolean(torch?.available);

// 2. ONNX sessions: providers and the conversion's real-time factor
console.log("onnx sessions");
const ortCudaOk = ortCuda.ok && (JSON.parse(lastLine(ortCuda.out) || "{}") as { available?: boolean }).available === true;
const conv = ortCudaOk ? await run(process.execPath, ["--import", "tsx", "bench/convert.ts", "30", "--gpu"], { timeoutMs: 8 * 60_000 }) : null;
if (!conv) row("content + synthesizer (bench/convert --gpu)", "skipped", "no onnxruntime CUDA provider (above)");
else if (conv.ok) {
  const providers = conv.out.split("\n").find((l) => l.startsWith("providers:")) ?? "providers: ?";
  const rtf = conv.out.split("\n").find((l) => /real-time factor/i.test(l)) ?? lastLine(conv.out);
  row("content + synthesizer (bench/convert, 30 s, full-size random weights)", providers.replace(/^providers: /, ""), rtf.trim());
} else row("content + synthesizer (bench/convert)", "failed", lastLine(conv.err));
const cfg = config();
for (const [name, file] of [["content model (HUBERT_PATH)", cfg.hubertPath], ["pitch model (RMVPE_PATH)", cfg.rmvpePath]] as const) {
  if (!fs.existsSync(file)) {
    row(name, "skipped", `no file at ${file}: npm run assets`);
    continue;
  }
  const probe = await run(process.execPath, ["--import", "tsx", "-e", `import('./worker/onnx/session.ts').then(async (m) => { const s = await m.getSession(${JSON.stringify(file)}); console.log(s.provider + (s.fallbackReason ? ' (' + s.fallbackReason + ')' : '')); })`], { timeoutMs: 120_000 });
  row(name, probe.ok ? lastLine(probe.out) : "failed", probe.ok ? "" : lastLine(probe.err));
}

// 3. the trainer: fp32, fp16, bf16 on the GPU (CPU fp32 as the same-run baseline)
console.log("trainer");
const trainerCwd = path.join(root, "worker");
const benchStep = async (device: string, precision: string, n: number) => {
  const r = await run(python, ["-m", "trainer", "bench", "--sample-rate", "40k", "--batch-size", "4", "--steps", String(n), "--warmup", "1", "--device", device, "--precision", precision], { cwd: trainerCwd, timeoutMs: 5 * 60_000 });
  const done = jsonLines(r.out).find((e) => e.type === "done");
  return done ? `${Number(done.s_per_step).toFixed(3)} s/step` : `failed: ${lastLine(r.err) || lastLine(r.out)}`;
};
// the same-run baseline: one CPU step (tens of seconds even on many cores), only where there are GPU figures to compare
if (cuda) row("train step v2 40k batch 4, cpu fp32 (1 step, baseline)", await benchStep("cpu", "fp32", 1));
for (const precision of ["fp32", "fp16", "bf16"]) {
  if (!cuda) row(`train step, cuda ${precision} (${steps} steps)`, "skipped", "PyTorch sees no CUDA device");
  else if (precision === "bf16" && !torch?.bf16) row(`train step, cuda bf16`, "skipped", "this GPU has no bf16");
  else row(`train step v2 40k batch 4, cuda ${precision} (${steps} steps)`, await benchStep("cuda", precision, steps));
}

// 4. two-GPU DDP on a small synthetic experiment
console.log("ddp");
if (!cuda || (torch?.count ?? 0) < 2) row("DDP over 2 GPUs", "skipped", `needs 2 GPUs (PyTorch sees ${torch?.count ?? 0})`);
else {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vs-gpu-check-"));
  try {
    const make = await run(python, ["-c", `import sys; sys.path.insert(0, 'trainer/tests'); from conftest import make_experiment; print(make_experiment(${JSON.stringify(tmp)}, n_items=16))`], { cwd: trainerCwd, timeoutMs: 120_000 });
    const exp = lastLine(make.out);
    const t0 = performance.now();
    const ddp = await run(python, ["-m", "trainer", "train", "--exp-dir", exp, "--epochs", "2", "--batch-size", "2", "--gpus", "0,1", "--skip-onnx", "--skip-index", "--no-resume"], { cwd: trainerCwd, timeoutMs: 5 * 60_000 });
    const done = jsonLines(ddp.out).find((e) => e.type === "done");
    row("DDP over 2 GPUs (2 epochs, 16 clips, tiny config)", done ? `${done.step} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s` : "failed", done ? "" : lastLine(ddp.err));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// 5. GPU slots
row("two GPU jobs at once on two slots", "not yet", "GPU slots are the open part of issue 20");

console.log("\n| check | result | note |\n|---|---|---|");
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
