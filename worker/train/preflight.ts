/**
 * Checks before any GPU time: Python with PyTorch, CUDA and free GPU memory when a GPU is asked for or
 * present, and free disk for checkpoints. Each failure says which and how to fix it.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { config } from "../../lib/config";
import { diskFullError, diskOf } from "../../lib/disk";
import { needsGpu } from "../../lib/placement";
import type { TrainOptions } from "../../lib/train-options";
import { PermanentJobError } from "../runner";

export interface TorchInfo {
  python: string;
  torch: string;
  cuda: boolean;
  gpus: { index: number; name: string; freeBytes: number; totalBytes: number }[];
}

const PROBE = `
import json, platform
import torch
gpus = []
if torch.cuda.is_available():
    for i in range(torch.cuda.device_count()):
        try:
            free, total = torch.cuda.mem_get_info(i)
        except Exception:
            free, total = 0, torch.cuda.get_device_properties(i).total_memory
        gpus.append({"index": i, "name": torch.cuda.get_device_name(i), "freeBytes": free, "totalBytes": total})
print(json.dumps({"python": platform.python_version(), "torch": torch.__version__, "cuda": torch.cuda.is_available(), "gpus": gpus}))
`;

export function probeTorch(python: string, env?: Record<string, string>): Promise<TorchInfo> {
  return new Promise((resolve, reject) => {
    execFile(python, ["-c", PROBE], { timeout: 120_000, encoding: "utf8", env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (err) {
        const why = /No module named .?torch/.test(stderr)
          ? `${python} has no PyTorch: install it (Debian: apt-get install python3-torch) or set PYTHON to an interpreter that has it`
          : (err as NodeJS.ErrnoException).code === "ENOENT"
            ? `the Python interpreter "${python}" was not found: install Python 3 with PyTorch or set PYTHON`
            : `${python} could not start PyTorch: ${(stderr || err.message).trim().split("\n").pop()}`;
        reject(new PermanentJobError(`preflight: ${why}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split("\n").pop()!) as TorchInfo);
    });
  });
}

/** Bytes one G/D checkpoint pair of the full-size model takes with its optimizer state (≈1.3 GB). */
export const CHECKPOINT_PAIR_BYTES = 1.3e9;
/** Below this much free GPU memory training will not fit the default batch. */
export const MIN_GPU_FREE_BYTES = 2 * 1024 ** 3;

export async function checkResources(info: TorchInfo, options: TrainOptions, expDir: string): Promise<string[]> {
  const notes: string[] = [];
  const wantsGpu = needsGpu("train", options);
  if (wantsGpu && !info.cuda) {
    throw new PermanentJobError(
      `preflight: ${options.gpus.length ? `GPU ${options.gpus.join(",")} requested` : `${options.precision} precision needs a GPU`}, but PyTorch ${info.torch} sees no CUDA device; choose precision fp32/auto and no GPU ids to train on the CPU`,
    );
  }
  for (const id of options.gpus) {
    const gpu = info.gpus.find((g) => g.index === id);
    if (!gpu) throw new PermanentJobError(`preflight: GPU ${id} does not exist (this machine has ${info.gpus.map((g) => g.index).join(", ") || "none"})`);
  }
  const used = options.gpus.length ? info.gpus.filter((g) => options.gpus.includes(g.index)) : info.gpus.slice(0, 1);
  for (const g of used) {
    if (g.freeBytes < MIN_GPU_FREE_BYTES) {
      throw new PermanentJobError(
        `preflight: GPU ${g.index} (${g.name}) has only ${(g.freeBytes / 1024 ** 3).toFixed(1)} GiB free; close other programs using it or lower the batch size`,
      );
    }
  }
  const st = await fs.statfs(expDir);
  const free = st.bavail * st.bsize;
  const pairs = options.saveLatestOnly ? 1 : Math.ceil(options.epochs / options.saveEvery) + 1;
  const minimum = 2 * CHECKPOINT_PAIR_BYTES;
  if (free < minimum) {
    throw diskFullError(diskOf(expDir, config()), { needed: minimum, free, what: "training (two checkpoints)" });
  }
  if (free < pairs * CHECKPOINT_PAIR_BYTES) {
    notes.push(`keeping every checkpoint may need up to ${((pairs * CHECKPOINT_PAIR_BYTES) / 1e9).toFixed(0)} GB; ${(free / 1e9).toFixed(0)} GB are free (consider "keep latest only")`);
  }
  notes.push(info.cuda ? `PyTorch ${info.torch} with CUDA: ${used.map((g) => `${g.name} (${(g.freeBytes / 1024 ** 3).toFixed(1)} GiB free)`).join(", ")}` : `PyTorch ${info.torch} on the CPU (no CUDA device): training will be slow`);
  return notes;
}
