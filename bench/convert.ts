/**
 * bench/convert (not a test): real-time factor (processing seconds per audio second) of a conversion with a
 * full-size RVC v2 40k model (random weights: the output is noise, the work is real) and a content model with
 * HuBERT-base's real sizes (random weights, converted by our own scripts/assets/convert_hubert.py), retrieval from
 * a 30,000-row IVF-Flat index (a 10-minute dataset's worth), weight-free pitch (yin; no full-size RMVPE can be made
 * here). Runs on whatever provider onnxruntime picks (CUDA when installed and present, else CPU), and prints the
 * time per stage measured separately on the same input.
 * Usage: node --import tsx bench/convert.ts [SECONDS=30] [--gpu]   (PYTHON: interpreter with torch; default /usr/bin/python3)
 * --gpu: the sessions must run on CUDA (an error says why not), and the provider used and the real-time factor are
 * printed as for any run.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CONVERSION_DEFAULTS } from "../lib/conversion-params";
import { blendWithIndex, convertVoice } from "../worker/convert/convert";
import { readFaissIndex } from "../worker/convert/faiss-index";
import { reflectPad, upsample2 } from "../worker/convert/plan";
import { synthesize, synthShape } from "../worker/convert/synth";
import { f0ToCoarse, yinF0 } from "../worker/dsp/f0";
import { resample } from "../worker/dsp/resample";
import { decodeWav } from "../worker/dsp/wav";
import { contentFeatures } from "../worker/extract/content";
import { getSession } from "../worker/onnx/session";

const python = process.env.PYTHON ?? "/usr/bin/python3";
const gpu = process.argv.includes("--gpu");
const seconds = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 30);
const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-convert-"));

function run(cmd: string, args: string[]) {
  return execFileSync(cmd, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

try {
  console.log("making a full-size 40k v2 model, its ONNX and a 30,000-row index …");
  const made = JSON.parse(run(python, ["scripts/make-random-model.py", "--out", dir, "--name", "bench40k", "--sample-rate", "40k", "--index-rows", "30000"]).trim().split("\n").pop()!);
  console.log("making a HuBERT-base-sized content model …");
  run(python, ["bench/make_random_hubert.py", dir]);
  // speech: espeak sentences repeated to the length asked for
  const text = "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. It is easy to tell the depth of a well. ";
  const wav = path.join(dir, "speech.wav");
  run("espeak-ng", ["-w", wav, text.repeat(Math.ceil(seconds / 8))]);
  const decoded = decodeWav(fs.readFileSync(wav));
  const input = resample(decoded.channels[0]!, decoded.sampleRate, 16000).subarray(0, seconds * 16000);
  const audioSeconds = input.length / 16000;

  const provider = gpu ? ("cuda" as const) : ("auto" as const);
  const synth = await getSession(path.join(dir, made.onnx), { provider });
  const content = await getSession(path.join(dir, "hubert_base_random.onnx"), { provider });
  const index = readFaissIndex(fs.readFileSync(path.join(dir, made.index)));
  console.log(`providers: synthesizer ${synth.provider}, content ${content.provider}${synth.fallbackReason ? ` (${synth.fallbackReason})` : ""}`);

  const params = { ...CONVERSION_DEFAULTS, f0Method: "yin" as const };
  const convertOnce = async () => {
    const t0 = performance.now();
    await convertVoice(input, { synth, content, rmvpe: null, index }, { params, sampleRate: made.sampleRate }, { push: async () => {} });
    return (performance.now() - t0) / 1000;
  };
  await convertOnce(); // warm-up: session initialisation and first-call allocations
  const runs = [await convertOnce(), await convertOnce()];
  const best = Math.min(...runs);

  // the stages, timed one by one on the same input (one segment: inputs ≤ 41 s are not cut)
  const padded = reflectPad(input, 16000);
  const time = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
    const t0 = performance.now();
    const r = await fn();
    return [r, (performance.now() - t0) / 1000];
  };
  const [f0, tPitch] = await time(() => yinF0(padded));
  const [feats, tContent] = await time(() => contentFeatures(content, padded, { maxSeconds: 60 }));
  const [, tIndex] = await time(() => blendWithIndex(feats.data.slice(), feats.frames, feats.dim, index, params.indexRate));
  const frames = Math.min(Math.floor(padded.length / 160), 2 * feats.frames);
  const phone = upsample2(feats.data, feats.frames, feats.dim);
  const [, tSynth] = await time(() =>
    synthesize(synth, synthShape(synth), { phone, frames, dim: feats.dim, pitch: f0ToCoarse(f0), pitchf: Float32Array.from(f0) }),
  );
  // baseline in the same run: the same synthesizer in PyTorch (the trainer's net.infer, torch threads = cores),
  // against ORT, on the same 5 s of frames (PyTorch on 2 cores needs minutes for the whole clip)
  const T = 500;
  const [, tOrt5] = await time(() => synthesize(synth, synthShape(synth), { phone, frames: T, dim: feats.dim, pitch: f0ToCoarse(f0), pitchf: Float32Array.from(f0) }));
  const torchSeconds = Number(
    run(python, ["-c", [
      "import sys, time, torch",
      "sys.path.insert(0, 'worker')",
      "from trainer.export import load_small_model",
      `torch.set_num_threads(${os.cpus().length})`,
      "net, _ = load_small_model(sys.argv[1])",
      `T = ${T}`,
      "a = (torch.rand(1, T, 768), torch.tensor([T]), torch.randint(5, 255, (1, T)), torch.rand(1, T) * 200 + 100, torch.tensor([0]))",
      "with torch.no_grad():",
      "    net.infer(*a)",
      "    t0 = time.time(); net.infer(*a); print(time.time() - t0)",
    ].join("\n"), path.join(dir, made.pth)]).trim().split("\n").pop(),
  );
  const rtf = (t: number) => (t / audioSeconds).toFixed(3);
  console.log(`\nconversion of ${audioSeconds.toFixed(1)} s of speech, v2 40k full size, index 30,000 rows, ${os.cpus().length} CPU cores`);
  console.log(`  whole job (best of ${runs.length} after a warm-up): ${best.toFixed(2)} s → real-time factor ${rtf(best)} (${(audioSeconds / best).toFixed(2)}× real time)`);
  console.log(`  stages alone: content model ${tContent.toFixed(2)} s (RTF ${rtf(tContent)}), retrieval ${tIndex.toFixed(2)} s (RTF ${rtf(tIndex)}), ` +
    `synthesizer ${tSynth.toFixed(2)} s (RTF ${rtf(tSynth)}), yin pitch ${tPitch.toFixed(2)} s (RTF ${rtf(tPitch)})`);
  console.log("  (stages include the 2 s of reflect padding the pipeline adds, as the job does)");
  console.log(`  synthesizer on ${T} frames (5 s): onnxruntime ${tOrt5.toFixed(2)} s vs PyTorch ${torchSeconds.toFixed(2)} s (same weights, same run) → PyTorch/ORT time ratio ${(torchSeconds / tOrt5).toFixed(2)} (above 1: ORT is faster)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
