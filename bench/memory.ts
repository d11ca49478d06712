/**
 * bench/memory (not a test): peak RSS of the worker's per-file work on a short and a long recording, to show that
 * memory does not grow with the length of a file. Each measurement runs in its own child process (the preprocess
 * file task exactly as a worker thread runs it, inline; the conversion as the convert job runs it, minus the
 * database), which reports its peak RSS (getrusage maxrss) and its RSS after the work with garbage collected.
 *
 * Audio: espeak-ng speech, made 48 kHz stereo 16-bit by sox and repeated by sox concatenation to 5 and 30 minutes
 * (WAV for preprocess, our own decoder; FLAC for conversion, through ffmpeg). Conversion uses the tiny stand-in
 * models (scripts/make-tiny-models.py, scripts/make-random-model.py --tiny) with yin pitch: the model work per
 * segment is small, so the growth from the short to the long file shows what the job holds per file. Most of a
 * conversion's RSS here is onnxruntime's CPU memory arena: sized by one segment (≤ 43 s), not by the file, and kept
 * after the run (measured: with `enableCpuMemArena: false` the 30-minute peak was 1.5 GB instead of 2.6 GB and the
 * RSS after the run 0.57 GB instead of 2.4 GB).
 *
 * Measured on 2 cores (peak RSS, MB; before = commit 0ea9a03, whole-file decoding):
 *   preprocess  5 min: 393 → 126     30 min: 1769 → 123
 *   convert     5 min: 2048 → 1975   30 min: 2666 → 2365   (growth 5→30 min: 618 → 390, of which the 16 kHz
 *                                                           input and its padded copy are 230)
 *
 * Usage: node --import tsx bench/memory.ts [SHORT_MIN=5] [LONG_MIN=30]   (needs espeak-ng, sox, /usr/bin/python3 + torch, onnx)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const PY = process.env.PYTHON ?? "/usr/bin/python3";
const MB = 1024 * 1024;

interface Figures {
  peakRssMB: number;
  afterRssMB: number;
  seconds: number;
  detail: string;
}

async function child(kind: string, args: string[]): Promise<void> {
  const t0 = performance.now();
  let detail = "";
  if (kind === "preprocess") {
    const [file, out] = args as [string, string];
    const { run } = await import("../worker/preprocess/file-task");
    const gtDir = path.join(out, "0_gt_wavs"), wavDir = path.join(out, "1_16k_wavs");
    fs.mkdirSync(gtDir, { recursive: true });
    fs.mkdirSync(wavDir, { recursive: true });
    const r = await run({ file, name: path.basename(file), sampleRate: 40000, idx0: 0, gtDir, wavDir, minSeconds: 1 });
    if (r.error) throw new Error(r.error);
    detail = `${r.chunks} chunks from ${r.seconds.toFixed(0)} s`;
  } else {
    const [file, modelDir, out] = args as [string, string, string];
    const { CONVERSION_DEFAULTS } = await import("../lib/conversion-params");
    const { convertFile } = await import("../worker/convert/file");
    const { getSession } = await import("../worker/onnx/session");
    const made = JSON.parse(fs.readFileSync(path.join(modelDir, "made.json"), "utf8")) as { onnx: string; sampleRate: number };
    const synth = await getSession(path.join(modelDir, made.onnx));
    const content = await getSession(path.join(modelDir, "content-768.onnx"));
    const r = await convertFile(file, path.join(out, "output.wav"), { synth, content, rmvpe: null, index: null }, {
      params: { ...CONVERSION_DEFAULTS, f0Method: "yin" },
      sampleRate: made.sampleRate,
      signal: new AbortController().signal,
    });
    detail = `${r.segments} segments, ${(r.inputSamples / 16000).toFixed(0)} s`;
  }
  const seconds = (performance.now() - t0) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const figures: Figures = {
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    afterRssMB: Math.round(process.memoryUsage().rss / MB),
    seconds: Math.round(seconds),
    detail,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * MB });
}

function measure(kind: string, args: string[]): Figures {
  const out = sh(process.execPath, ["--expose-gc", "--import", "tsx", path.join(ROOT, "bench/memory.ts"), "--child", kind, ...args]);
  return JSON.parse(out.trim().split("\n").pop()!) as Figures;
}

async function main(): Promise<void> {
  const shortMin = Number(process.argv[2] ?? 5);
  const longMin = Number(process.argv[3] ?? 30);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-memory-"));
  try {
    // ~30 s of speech at 48 kHz stereo, repeated to each length
    const text = [
      "The birch canoe slid on the smooth planks.", "Glue the sheet to the dark blue background.",
      "It is easy to tell the depth of a well.", "These days a chicken leg is a rare dish.",
      "Rice is often served in round bowls.", "The juice of lemons makes fine punch.",
      "The box was thrown beside the parked truck.", "Four hours of steady work faced us.",
    ].join(" ");
    sh("espeak-ng", ["-w", path.join(dir, "s.wav"), `${text} ${text} ${text}`]);
    const unit = path.join(dir, "unit.wav");
    sh("sox", ["-R", path.join(dir, "s.wav"), "-r", "48000", "-c", "2", "-b", "16", unit, "pad", "0", "0.7"]);
    const unitSec = Number(sh("soxi", ["-D", unit]).trim());
    const make = (minutes: number, ext: string) => {
      const f = path.join(dir, `${minutes}min.${ext}`);
      const n = Math.ceil((minutes * 60) / unitSec);
      sh("sox", [...Array<string>(n).fill(unit), f, "trim", "0", String(minutes * 60)]);
      return f;
    };
    const modelDir = path.join(dir, "model");
    const made = JSON.parse(sh(PY, ["scripts/make-random-model.py", "--tiny", "--index-rows", "0", "--out", modelDir, "--name", "tiny"]).trim().split("\n").pop()!);
    fs.writeFileSync(path.join(modelDir, "made.json"), JSON.stringify(made));
    sh(PY, ["scripts/make-tiny-models.py", modelDir]);

    const rows: string[] = [];
    for (const minutes of [shortMin, longMin]) {
      const wav = make(minutes, "wav");
      const flac = make(minutes, "flac");
      for (const [kind, args] of [["preprocess", [wav, path.join(dir, `pre-${minutes}`)]], ["convert", [flac, modelDir, dir]]] as const) {
        const f = measure(kind, [...args]);
        rows.push(`${kind.padEnd(10)} ${String(minutes).padStart(3)} min  peak RSS ${String(f.peakRssMB).padStart(5)} MB  after ${String(f.afterRssMB).padStart(5)} MB  ${String(f.seconds).padStart(4)} s  (${f.detail})`);
        console.log(rows[rows.length - 1]);
      }
      fs.rmSync(wav);
      fs.rmSync(flac);
      fs.rmSync(path.join(dir, `pre-${minutes}`), { recursive: true, force: true });
    }
    console.log(`\npeak RSS per child process (48 kHz stereo input; preprocess to 40 kHz; conversion with tiny models, yin):\n${rows.join("\n")}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv.slice(4));
else await main();
