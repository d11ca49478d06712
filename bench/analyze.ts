/**
 * bench/analyze (not a test): the dataset doctor's speed on the 10-minute espeak-ng corpus
 * (../shared/scripts/make-corpus.sh): analysis (worker/analyze/analyzer.ts) in audio seconds per second on one core
 * (target ≥ 100), and the cleaning (denoise and the full cleanClip) the same way. The code is single-threaded, so
 * "per core" is audio seconds per CPU second of this process (user + system; best of 3 runs after a warm-up), which a
 * busy machine does not distort; the wall-clock figure is printed beside it. Decoding is not counted. Prints what
 * each file measured, to eyeball the figures on real speech.
 * Usage: node --import tsx bench/analyze.ts [SECONDS=600]   (needs espeak-ng and sox for the corpus)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { clipFlags } from "../lib/dataset/flags";
import { ClipAnalyzer } from "../worker/analyze/analyzer";
import { downmix } from "../worker/dsp/downmix";
import { decodeWav } from "../worker/dsp/wav";

const ROOT = path.resolve(import.meta.dirname, "..");
const seconds = Number(process.argv[2] ?? 600);
const corpus = path.join(os.tmpdir(), `vs-corpus-${seconds}`);
if (!fs.existsSync(path.join(corpus, ".done"))) {
  fs.rmSync(corpus, { recursive: true, force: true });
  execFileSync("bash", [path.join(ROOT, "..", "shared", "scripts", "make-corpus.sh"), corpus, String(seconds), "1"], { stdio: "inherit" });
  fs.writeFileSync(path.join(corpus, ".done"), "");
}
const files = fs.readdirSync(corpus).filter((f) => f.endsWith(".wav")).sort();
const decoded = files.map((f) => ({ name: f, ...decodeWav(fs.readFileSync(path.join(corpus, f))) }));
const audioSeconds = decoded.reduce((s, d) => s + d.channels[0]!.length / d.sampleRate, 0);
const BLOCK = 65536; // frames per push, as a decoder hands them over

function analyzeAll() {
  return decoded.map((d) => {
    const a = new ClipAnalyzer(d.channels.length, d.sampleRate);
    const n = d.channels[0]!.length;
    for (let s = 0; s < n; s += BLOCK) a.pushPlanar(d.channels.map((c) => c.subarray(s, Math.min(n, s + BLOCK))));
    return a.finish();
  });
}

function best<T>(runs: number, f: () => T): { ms: number; cpuMs: number; out: T } {
  let ms = Infinity, cpuMs = Infinity, out!: T;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    out = f();
    const used = process.cpuUsage(c);
    ms = Math.min(ms, performance.now() - t);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
  }
  return { ms, cpuMs, out };
}
const rate = (r: { ms: number; cpuMs: number }) =>
  `${(audioSeconds / (r.cpuMs / 1000)).toFixed(0)} audio s per CPU s (one core; wall: ${(r.ms / 1000).toFixed(2)} s → ${(audioSeconds / (r.ms / 1000)).toFixed(0)} audio s per s)`;

console.log(`corpus: ${files.length} files, ${audioSeconds.toFixed(1)} s of audio (${corpus})`);
analyzeAll(); // warm-up (JIT)
const analysis = best(3, analyzeAll);
console.log(`\nanalysis: ${rate(analysis)}; target ≥ 100`);
console.log("file                                   rate  ch  LUFS   dBTP  floor   SNR  band Hz  silence  flags");
for (const [i, a] of analysis.out.entries()) {
  const flags = clipFlags(a).map((f) => f.code).join(",");
  console.log(
    `${files[i]!.padEnd(38)} ${String(a.sampleRate).padStart(5)} ${String(a.channels).padStart(2)} ${String(a.loudnessLufs).padStart(6)} ${String(a.truePeakDbtp).padStart(6)} ${String(a.noiseFloorDb).padStart(6)} ${String(a.snrDb).padStart(5)} ${String(a.bandwidthHz).padStart(8)} ${(a.silenceFraction * 100).toFixed(0).padStart(6)} %  ${flags}`,
  );
}

{
  const cleanMod = await import("../worker/analyze/clean");
  const monos = decoded.map((d) => ({ x: downmix(d.channels), sr: d.sampleRate }));
  const denoiseAll = () => monos.map(({ x, sr }) => {
    const p = cleanMod.estimateNoiseProfile(x, sr);
    return p ? cleanMod.spectralGate(x, sr, p) : x;
  });
  denoiseAll();
  const dn = best(2, denoiseAll);
  console.log(`\ndenoise (profile + spectral gate): ${rate(dn)}`);
  const opts = { normalizeLufs: -20, removeDc: true, trimSilenceSec: 0.5, denoise: true };
  const full = best(2, () => monos.map(({ x, sr }) => cleanMod.cleanClip(x, sr, opts)));
  const outSeconds = full.out.reduce((s, y, i) => s + y.length / monos[i]!.sr, 0);
  console.log(`cleanClip (DC, trim 0.5 s, denoise, −20 LUFS): ${rate(full)}; ${audioSeconds.toFixed(0)} s → ${outSeconds.toFixed(0)} s after trimming`);
}
