/**
 * bench/train-step (not a test): seconds per training step of the full-size v2 model (40k config, batch 4),
 * on the CPU and, where PyTorch sees one, on the GPU; real steps on synthetic 3.7 s clips via
 * `python3 -m trainer bench`. Upstream's train.py cannot run here (no fairseq / PyPI), so there is no
 * same-machine baseline; compare with upstream on your machine by running its train.py on the same config.
 * Usage: node --import tsx bench/train-step.ts [STEPS=3]   (PYTHON: interpreter with torch; default /usr/bin/python3)
 */
import { execFileSync } from "node:child_process";
import path from "node:path";

const python = process.env.PYTHON ?? "/usr/bin/python3";
const steps = process.argv[2] ?? "3";
const cwd = path.resolve(import.meta.dirname, "..", "worker");
const cuda = execFileSync(python, ["-c", "import torch; print(int(torch.cuda.is_available()))"], { encoding: "utf8" }).trim() === "1";

for (const device of cuda ? ["cpu", "cuda"] : ["cpu"]) {
  const out = execFileSync(python, ["-m", "trainer", "bench", "--sample-rate", "40k", "--batch-size", "4", "--steps", steps, "--warmup", "1", "--device", device], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const done = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.type === "done");
  console.log(`train step, v2 40k, batch 4, ${device}: ${Number(done?.s_per_step).toFixed(2)} s/step (${steps} steps after 1 warm-up)`);
}
