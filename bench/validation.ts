/**
 * bench/validation (not a test): what held-out validation (issue 15) costs per checkpoint, as a share of the training
 * wall time between two checkpoints, at the default settings (heldOut 5 %, saveEvery 5, batch 4, 3.7 s slices) with
 * the full-size v2 40k model, on the CPU and, where PyTorch sees one, on the GPU (`python3 -m trainer bench
 * --validate-clips`).
 *
 * With S slices, 5 % held out (at least 2, at most 20): validation = clips · t_clip, training between checkpoints =
 * saveEvery · ceil(trainClips / batch) · t_step. Printed for a few dataset sizes, since the 2-clip floor makes small
 * datasets pay more and the 20-clip cap makes large ones pay less.
 * Usage: node --import tsx bench/validation.ts [CLIPS=4] [STEPS=2]   (PYTHON: interpreter with torch)
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { heldOutCount } from "../worker/train/filelist";
import { TRAIN_DEFAULTS } from "../lib/train-options";

const python = process.env.PYTHON ?? "/usr/bin/python3";
const clips = process.argv[2] ?? "4";
const steps = process.argv[3] ?? "2";
const cwd = path.resolve(import.meta.dirname, "..", "worker");
const cuda = execFileSync(python, ["-c", "import torch; print(int(torch.cuda.is_available()))"], { encoding: "utf8" }).trim() === "1";

for (const device of cuda ? ["cpu", "cuda"] : ["cpu"]) {
  const out = execFileSync(python, ["-m", "trainer", "bench", "--sample-rate", "40k", "--batch-size", String(TRAIN_DEFAULTS.batchSize), "--steps", steps, "--warmup", "1", "--device", device, "--validate-clips", clips], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const done = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>).find((e) => (e.type as unknown) === "done")!;
  const tStep = done.s_per_step!;
  const tClip = done.validation_s! / done.validation_clips!;
  console.log(`v2 40k, ${device}: ${tStep.toFixed(2)} s/train step (batch ${TRAIN_DEFAULTS.batchSize}), ${tClip.toFixed(2)} s/validated 3.7 s clip`);
  for (const slices of [20, 100, 400, 2000]) {
    const held = heldOutCount(slices, TRAIN_DEFAULTS.heldOut);
    const train = TRAIN_DEFAULTS.saveEvery * Math.ceil((slices - held) / TRAIN_DEFAULTS.batchSize) * tStep;
    const val = held * tClip;
    console.log(`  ${slices} slices: ${held} held out; validation ${val.toFixed(1)} s per checkpoint vs ${train.toFixed(1)} s of training → ${((100 * val) / (train + val)).toFixed(1)} % of wall time`);
  }
}
