/**
 * bench/separate (not a test): real-time factor and peak RSS of vocal separation with a full-size MDX-Net-shaped
 * model (random weights: scripts/make-mdx-models.py --full — n_fft 7680, dim_f 3072, dim_t 256 like
 * UVR-MDX-NET-Voc_FT, a TFC-TDF U-Net of 10.9 M parameters) on a synthetic stereo song (chords, a drum-like noise
 * burst per beat and a gliding "voice" tone, 44.1 kHz float WAV), run as the separate job runs it minus the database:
 * decode → float32 scratch → chunks through the front end, the model and the inverse → two stem WAVs.
 * Each length runs in its own child process, which reports its peak RSS (getrusage maxrss), so the short and the
 * long run show whether memory grows with the song. The execution provider is onnxruntime's choice (CUDA when this
 * install has its provider, else CPU): the line says which.
 *
 * Measured on 2 shared cores (AMD EPYC, CPU provider, load average ≈ 2.4; commit of this bench):
 *    30 s: 37.7 s wall, real-time factor 1.26 (model 93 %, front end + inverse + I/O 2.7 s, 6 chunks), peak RSS 1129 MB
 *   180 s: 229.7 s wall, real-time factor 1.28 (model 94 %, front end + inverse + I/O 14.1 s, 33 chunks), peak RSS 1173 MB
 * Memory is flat in the length (+44 MB for 6× the song; most of the peak is onnxruntime's activations of one
 * 256-frame chunk). With 4 other test runs on the same 2 cores (load ≈ 12) the 180 s run took 831 s (RTF 4.6).
 * No GPU run yet: onnxruntime-node's CUDA provider is not installed on these machines (ONNXRUNTIME_NODE_INSTALL=cuda12).
 *
 * Usage: node --import tsx bench/separate.ts [SECONDS=180] [SHORT_SECONDS=30]   (needs /usr/bin/python3 + torch, onnx)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const PY = process.env.PYTHON ?? "/usr/bin/python3";
const MB = 1024 * 1024;

function fullModel(): string {
  const script = path.join(ROOT, "scripts/make-mdx-models.py");
  const key = createHash("sha256").update(fs.readFileSync(script)).digest("hex").slice(0, 12);
  const dir = path.join(os.tmpdir(), `voice-studio-mdx-full-${key}`);
  const file = path.join(dir, "mdx-full.onnx");
  if (!fs.existsSync(file)) {
    console.log(`making the full-size stand-in into ${dir} (minutes)…`);
    execFileSync(PY, [script, dir, "--full"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  return file;
}

async function song(file: string, seconds: number): Promise<void> {
  const { encodeWavFloat32 } = await import("../worker/dsp/wav");
  const rate = 44100, n = Math.round(seconds * rate);
  const l = new Float32Array(n), r = new Float32Array(n);
  let seed = 1;
  const noise = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5);
  const chord = [220, 277.18, 329.63];
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const beat = (t * 2) % 1; // 120 bpm
    const drum = beat < 0.05 ? noise() * (1 - beat / 0.05) * 0.5 : 0;
    let c = 0;
    for (const f of chord) c += Math.sin(2 * Math.PI * f * t) * 0.08;
    const voice = Math.sin(2 * Math.PI * (300 + 80 * Math.sin(2 * Math.PI * 0.5 * t)) * t) * 0.2;
    l[i] = c + drum + voice * 0.9;
    r[i] = c * 0.8 + drum + voice;
  }
  fs.writeFileSync(file, encodeWavFloat32([l, r], rate));
}

async function child(model: string, seconds: number): Promise<void> {
  const { decodeToStereoScratch, scratchSource, wavWriter, MDX_RATE } = await import("../worker/separate/io");
  const { separateStereo } = await import("../worker/separate/engine");
  const { loadMdxModel } = await import("../worker/separate/model");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-sep-"));
  try {
    const input = path.join(dir, "song.wav");
    await song(input, seconds);
    const params = { nFft: 7680, hop: 1024, dimF: 3072, dimT: 256, compensate: 1.021, primaryStem: "vocals" as const, zeroLowBins: 3 };
    const { run, session } = await loadMdxModel(model, params);
    const base = process.memoryUsage().rss;
    const t0 = performance.now();
    const scratch = path.join(dir, "mix.f32");
    const { frames } = await decodeToStereoScratch(input, scratch);
    const src = await scratchSource(scratch, frames);
    const v = await wavWriter(path.join(dir, "v.wav"), frames);
    const a = await wavWriter(path.join(dir, "a.wav"), frames);
    let modelMs = 0;
    const timed = async (x: Float32Array) => {
      const s = performance.now();
      const out = await run(x);
      modelMs += performance.now() - s;
      return out;
    };
    const plan = await separateStereo(src, params, timed, async (vv, aa) => {
      await v.write(vv);
      await a.write(aa);
    });
    await src.close();
    await v.close();
    await a.close();
    const wall = (performance.now() - t0) / 1000;
    const peak = (process.resourceUsage().maxRSS * 1024) / MB;
    console.log(
      JSON.stringify({
        seconds: frames / MDX_RATE,
        chunks: plan.chunks,
        provider: session.provider,
        wall,
        rtf: wall / (frames / MDX_RATE),
        modelShare: modelMs / 1000 / wall,
        frontEndAndIoSeconds: wall - modelMs / 1000,
        peakRssMB: Math.round(peak),
        rssAfterModelLoadMB: Math.round(base / MB),
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.argv[2] === "--child") return child(process.argv[3]!, Number(process.argv[4]));
  const long = Number(process.argv[2] ?? 180), short = Number(process.argv[3] ?? 30);
  const model = fullModel();
  console.log(`cpu: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`);
  for (const s of [short, long]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--child", model, String(s)], { encoding: "utf8", cwd: ROOT });
    if (r.status !== 0) throw new Error(`child failed:\n${r.stderr}`);
    const f = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number | string>;
    console.log(
      `${String(f.seconds).padStart(6)} s stereo on ${f.provider}: ${Number(f.wall).toFixed(1)} s wall, real-time factor ${Number(f.rtf).toFixed(3)} ` +
        `(model ${(Number(f.modelShare) * 100).toFixed(0)} %, front end + inverse + I/O ${Number(f.frontEndAndIoSeconds).toFixed(1)} s, ${f.chunks} chunks), ` +
        `peak RSS ${f.peakRssMB} MB (${f.rssAfterModelLoadMB} MB after loading the model)`,
    );
  }
}

await main();
