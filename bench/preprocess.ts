/**
 * bench/preprocess (not a test): audio seconds per wall second for the `preprocess` and `extract` jobs
 * (weight-free YIN pitch + the tiny content model on CPU) on a 10-minute espeak-ng corpus
 * (../shared/scripts/make-corpus.sh), with peak RSS; and, in the same run, a numpy/scipy baseline of RVC's
 * preprocessing (bench/baseline_preprocess.py, upstream's process pool) on the same files.
 * Usage: node --import tsx bench/preprocess.ts [SECONDS=600]   (needs espeak-ng, sox, /usr/bin/python3 + numpy/scipy/soundfile)
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureCorpus } from "./corpus";
import { createDatabase, testServer } from "../tests/helpers/database";
import { tinyModels } from "../tests/helpers/tiny-models";

const ROOT = path.resolve(import.meta.dirname, "..");
const seconds = Number(process.argv[2] ?? 600);
const SR = 40000;
const { dir: corpus, files } = ensureCorpus(seconds);
const models = tinyModels();
if (!models.ok) throw new Error(models.reason);

const server = await testServer();
const database = await createDatabase(server.adminUrl, "vs_bench_pre");
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-pre-"));
Object.assign(process.env, { DATABASE_URL: database.url, DATA_ROOT: dataRoot, HUBERT_PATH: models.content768 });
const { migrate } = await import("../lib/migrate");
await migrate(database.url);
const { db } = await import("../lib/db");
const { createExperiment } = await import("../lib/experiments");
const { paths } = await import("../lib/paths");
const { probeAudio } = await import("../lib/audio");
const { runJob } = await import("../worker/runner");
const { preprocess } = await import("../worker/preprocess");
const { extract } = await import("../worker/extract/job");

try {
  const exp = await createExperiment({ name: "bench", sampleRate: SR, f0Method: "yin", version: "v2" });
  fs.mkdirSync(paths().experimentUploads(exp.name), { recursive: true });
  let audioSeconds = 0;
  for (const f of files) {
    const src = path.join(corpus, f);
    const bytes = fs.readFileSync(src);
    const probe = await probeAudio(src);
    audioSeconds += probe.durationSec;
    fs.copyFileSync(src, paths().uploadFile(exp.name, f));
    await db().audioFile.create({
      data: { experimentId: exp.id, originalName: f, storedName: f, bytes: BigInt(bytes.length), durationSec: probe.durationSec, sha256: createHash("sha256").update(bytes).digest("hex") },
    });
  }
  const timeJob = async (kind: "preprocess" | "extract", handler: typeof preprocess) => {
    const job = await db().job.create({ data: { kind, experimentId: exp.id } });
    const t = performance.now();
    await runJob(job.id, handler, { prisma: db(), workerId: "bench", shutdown: new AbortController().signal });
    const s = (performance.now() - t) / 1000;
    const row = await db().job.findUniqueOrThrow({ where: { id: job.id } });
    if (row.status !== "succeeded") throw new Error(`${kind} ${row.status}: ${row.error}`);
    return s;
  };
  console.log(`bench/preprocess: ${files.length} files, ${audioSeconds.toFixed(0)} s of audio, target ${SR} Hz, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
  const pre = await timeJob("preprocess", preprocess);
  const rssPre = process.resourceUsage().maxRSS / 1024;
  const ext = await timeJob("extract", extract);
  const rss = process.resourceUsage().maxRSS / 1024;

  const out = fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-base-"));
  const [baseText, baseChunks, ...resampler] = execFileSync("/usr/bin/python3", [path.join(ROOT, "bench", "baseline_preprocess.py"), corpus, out, String(SR)], { encoding: "utf8" }).trim().split(" ");
  const baseSeconds = Number(baseText);
  fs.rmSync(out, { recursive: true, force: true });

  const rate = (s: number) => (audioSeconds / s).toFixed(1);
  console.log(`preprocess job:   ${pre.toFixed(1)} s wall = ${rate(pre)} audio s per s (peak RSS ${rssPre.toFixed(0)} MiB)`);
  console.log(`extract job:      ${ext.toFixed(1)} s wall = ${rate(ext)} audio s per s (YIN + tiny content model; peak RSS ${rss.toFixed(0)} MiB)`);
  const ours = fs.readdirSync(paths().experimentSubdir(exp.name, "gtWavs")).length;
  console.log(`baseline (RVC preprocessing in numpy/scipy, ${resampler.join(" ")}, ${Math.ceil(os.cpus().length / 1.5)} processes): ${baseSeconds.toFixed(1)} s wall = ${rate(baseSeconds)} audio s per s (${baseChunks} chunks; ours ${ours})`);
  console.log(`ratio preprocess job / baseline: ${(baseSeconds / pre).toFixed(2)}× (target ≥ 2×)`);
} finally {
  const { db } = await import("../lib/db");
  await db().$disconnect();
  await database.drop();
  await server.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
}
