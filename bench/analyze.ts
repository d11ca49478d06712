/**
 * bench/analyze (not a test): the dataset doctor's speed on the 10-minute espeak-ng corpus
 * (../shared/scripts/make-corpus.sh): analysis (worker/analyze/analyzer.ts) in audio seconds per second on one core
 * (target ≥ 100), and the cleaning (denoise and the full cleanClip) the same way. The code is single-threaded, so
 * "per core" is audio seconds per CPU second of this process (user + system; best of 3 runs after a warm-up), which a
 * busy machine distorts far less; the wall-clock figure is printed beside it. Decoding is not counted. Prints what
 * each file measured, to eyeball the figures on real speech, and the denoiser's SNR gain on each file with white
 * noise added at 10 dB SNR.
 * Usage: node --import tsx bench/analyze.ts [SECONDS=600]   (needs espeak-ng and sox for the corpus)
 */
import fs from "node:fs";
import path from "node:path";
import { ensureCorpus } from "./corpus";
import { clipFlags } from "../lib/dataset/flags";
import { ClipAnalyzer, analyzeSamples } from "../worker/analyze/analyzer";
import { gaussianNoise } from "../worker/analyze/signals";
import { downmix } from "../worker/dsp/downmix";
import { decodeWav } from "../worker/dsp/wav";

const ROOT = path.resolve(import.meta.dirname, "..");
const seconds = Number(process.argv[2] ?? 600);
const { dir: corpus, files } = ensureCorpus(seconds);
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

  // Quality on real (synthetic-voice) speech: white noise added 10 dB below each file's speech level (mean power of
  // its 50 ms frames above −40 dBFS); SNR as speech over everything that is not the speech, and the energy change in
  // those speech frames.
  console.log("\ndenoise on the corpus with white noise at 10 dB SNR:");
  const F = (sr: number) => Math.round(0.05 * sr);
  let worstGain = Infinity, worstChange = 0;
  for (const [i, { x, sr }] of monos.entries()) {
    const f = F(sr), speech = new Uint8Array(x.length);
    let ps = 0, cnt = 0;
    for (let s0 = 0; s0 + f <= x.length; s0 += f) {
      let e = 0;
      for (let j = s0; j < s0 + f; j++) e += x[j]! * x[j]!;
      if (e / f > 1e-4) { speech.fill(1, s0, s0 + f); ps += e; cnt += f; }
    }
    const noise = gaussianNoise(x.length, Math.sqrt(ps / cnt / 10), 17 + i);
    const noisy = Float32Array.from(x);
    for (let j = 0; j < x.length; j++) noisy[j]! += noise[j]!;
    const y = cleanMod.cleanClip(noisy, sr, { normalizeLufs: null, removeDc: false, trimSilenceSec: null, denoise: true });
    let es = 0, en = 0, er = 0, ey = 0, ex = 0;
    for (let j = 0; j < x.length; j++) {
      es += x[j]! * x[j]!; en += noise[j]! * noise[j]!; er += (y[j]! - x[j]!) ** 2;
      if (speech[j]) { ey += y[j]! * y[j]!; ex += x[j]! * x[j]!; }
    }
    const gain = 10 * Math.log10(en / er), change = 10 * Math.log10(ey / ex);
    worstGain = Math.min(worstGain, gain);
    if (Math.abs(change) > Math.abs(worstChange)) worstChange = change;
    const snr = (a: Float32Array) => analyzeSamples([a], sr).snrDb;
    console.log(`  ${files[i]!.padEnd(38)} SNR +${gain.toFixed(1)} dB (analyser: ${snr(noisy)} → ${snr(y)} dB), speech frames ${change >= 0 ? "+" : ""}${change.toFixed(2)} dB`);
  }
  console.log(`  worst: SNR +${worstGain.toFixed(1)} dB, speech frames ${worstChange.toFixed(2)} dB`);
}
