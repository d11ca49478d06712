/**
 * bench/training-history (not a test), issue 15: the experiment page's first load after a long training. It makes an
 * experiment with a 100,000-step history as a real run leaves it — the trainer's step file (`logs/steps.bin`, eight
 * losses a step), metrics.json with 200 validated checkpoints, and the job events of 1,000 epochs (20 progress
 * events, an `epoch` metric and its log line per epoch, a checkpoint and a validation metric every 5 epochs) — then,
 * against a real web server (`next start`):
 *   before: what the old page did at load — the experiment's event stream from the beginning, every event replayed
 *           (count, bytes, time until the last one arrived);
 *   after:  the page HTML (with the bounded job snapshot), the series route (cold: first read of the file; warm:
 *           from the cache) and the stream opened after the newest event id (time to its first byte), fetched
 *           together as the browser does; target: under 1 s.
 * Usage: npx next build && node --import tsx bench/training-history.ts [runs=5]   (DATABASE_URL: a server to create a DB on;
 * BENCH_SCREENSHOTS=<folder>: also screenshots of the charts of this history in Chromium)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrisma } from "../lib/db";
import { migrate } from "../lib/migrate";
import { setupQueues } from "../lib/queue";
import { encodeStepFile } from "../lib/training-series";
import { freePort } from "../scripts/launcher/embedded-db";
import { createDatabase, testServer } from "../tests/helpers/database";

const RUNS = Number(process.argv[2] ?? 5);
const STEPS = 100_000;
const EPOCHS = 1000;
const FIELDS = ["disc", "gen", "fm", "mel", "kl", "g_total", "grad_norm_g", "grad_norm_d"];
const NAME = "bench-history";

const ROOT = path.resolve(import.meta.dirname, "..");
const server = await testServer();
const database = await createDatabase(server.adminUrl, "vs_bench_history");
await migrate(database.url);
await setupQueues(database.url);
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-history-"));
process.env.DATABASE_URL = database.url;
process.env.DATA_ROOT = dataRoot;
const prisma = createPrisma(database.url);
const { createUser } = await import("../lib/auth/users");
const { createToken } = await import("../lib/auth/api-tokens");
const { createSession } = await import("../lib/auth/sessions");
const { createExperiment } = await import("../lib/experiments");
const { appendJobEvents } = await import("../lib/job-events");
const { paths } = await import("../lib/paths");
const user = await createUser({ name: "bench", password: "bench-password", role: "admin" }, prisma);
const api = { authorization: `Bearer ${(await createToken(user.id, { name: "bench", scope: "read" }, prisma)).secret}` };
const page = { cookie: (await createSession(user.id, new Request("http://127.0.0.1/api"), prisma)).cookie.split(";")[0]! };

// ------------------------------------------------------------------ the history a 100,000-step run leaves
const t0 = Date.now();
const exp = await createExperiment({ name: NAME, sampleRate: 40000, f0Method: "rmvpe", version: "v2" }, prisma);
const job = await prisma.job.create({ data: { kind: "train", experimentId: exp.id, status: "succeeded", progress: 1, startedAt: new Date(), finishedAt: new Date() } });
const perEpoch = STEPS / EPOCHS;
const records = Array.from({ length: STEPS }, (_, i) => ({
  step: i + 1,
  epoch: Math.floor(i / perEpoch) + 1,
  values: FIELDS.map((_, f) => (f + 1) * (1 + 20 * Math.exp(-i / 20_000)) * (1 + 0.2 * Math.sin(i * 1.7 + f))),
}));
const stepFile = paths().trainingStepFile(NAME);
fs.mkdirSync(path.dirname(stepFile), { recursive: true });
fs.writeFileSync(stepFile, encodeStepFile(FIELDS, records));
const checkpoints = [];
let batch: Parameters<typeof appendJobEvents>[1] = [];
for (let e = 1; e <= EPOCHS; e++) {
  for (let k = 1; k <= 20; k++) batch.push({ kind: "progress", data: { done: (e - 1) * perEpoch + k * 5, total: STEPS, percent: ((e - 1) * perEpoch + k * 5) / 1000, stage: `epoch ${e}/${EPOCHS}`, unit: "steps", rate: 5, etaSeconds: 100 } });
  batch.push({ kind: "metric", data: { kind: "epoch", epoch: e, epochs: EPOCHS, step: e * perEpoch, mel: 20, kl: 2, gen: 3, disc: 4, fm: 5 } });
  batch.push({ kind: "log", level: "info", message: `epoch ${e}/${EPOCHS}: mel 20.000, kl 2.000, gen 3.000, disc 4.000, fm 5.000 (12.3 s)` });
  if (e % 5 === 0) {
    batch.push({ kind: "metric", data: { kind: "checkpoint", epoch: e, step: e * perEpoch, reason: "schedule", at: new Date().toISOString(), g: `G_${e * perEpoch}.pth` } });
    batch.push({ kind: "metric", data: { kind: "validation", epoch: e, step: e * perEpoch, mel: 20 - e / 100, stft: 3, clips: 5 } });
    checkpoints.push({ epoch: e, step: e * perEpoch, train: { mel: 20 }, validation: { mel: 20 - e / 100, stft: 3, clips: 5 }, at: new Date().toISOString() });
  }
  if (batch.length >= 5000) {
    await appendJobEvents(job.id, batch, prisma);
    batch = [];
  }
}
await appendJobEvents(job.id, batch, prisma);
fs.writeFileSync(path.join(paths().experimentDir(NAME), "metrics.json"), JSON.stringify({ checkpoints }));
const eventCount = await prisma.jobEvent.count({ where: { jobId: job.id } });
const lastId = (await prisma.jobEvent.aggregate({ _max: { id: true } }))._max.id!;
console.log(`history: ${STEPS} steps in ${fs.statSync(stepFile).size} bytes, ${eventCount} job events, ${checkpoints.length} validated checkpoints (made in ${Date.now() - t0} ms)`);

// ------------------------------------------------------------------ the web server
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const web = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
  cwd: ROOT,
  env: { ...process.env, DATABASE_URL: database.url, DATA_ROOT: dataRoot },
  stdio: "ignore",
});
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/api/health`)).ok) break;
  } catch {
    /* not yet */
  }
  if (i > 300) throw new Error("web server did not start");
  await new Promise((r) => setTimeout(r, 200));
}

/** Read an SSE response until `done(lastSeenId)` or the first byte (`firstByte`); what arrived and when. */
async function stream(url: string, until: { lastId?: bigint; firstByte?: boolean }) {
  const start = performance.now();
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: api, signal: ctrl.signal });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = "";
  let events = 0;
  let bytes = 0;
  let last = 0n;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (until.firstByte) break;
    buf += dec.decode(value, { stream: true });
    let cut;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const frame = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const id = /^id: (\d+)$/m.exec(frame)?.[1];
      if (id) {
        events++;
        last = BigInt(id);
      }
    }
    if (until.lastId !== undefined && last >= until.lastId) break;
  }
  const ms = performance.now() - start;
  ctrl.abort();
  return { ms, events, bytes };
}

async function timed(url: string, headers: Record<string, string>) {
  const start = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return { ms: performance.now() - start, bytes: body.byteLength };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pageUrl = `${base}/experiments/${NAME}`;
const seriesUrl = `${base}/api/experiments/${NAME}/training/series?points=300`;
const eventsUrl = `${base}/api/experiments/${NAME}/events`;

try {
  console.log(`bench/training-history on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  // in this process, the server-side parts alone: the job snapshot's queries and the series (file read + downsampling)
  const { jobSnapshot } = await import("../lib/job-snapshot");
  const { trainingSeries } = await import("../lib/training-history");
  const inProc = async (fn: () => Promise<unknown>) => {
    const ms = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    return ms;
  };
  const snap = await inProc(() => jobSnapshot([job.id]));
  const ser = await inProc(() => trainingSeries(NAME, { points: 300 }));
  console.log(`in-process: job snapshot median ${median(snap).toFixed(0)} ms; series first ${ser[0]!.toFixed(0)} ms (read + parse + downsample), then median ${median(ser.slice(1)).toFixed(0)} ms (cached)`);
  await timed(pageUrl, page); // the server's first render compiles nothing, but warms its caches and pools
  const cold = await timed(seriesUrl, api); // the first read of the step file (then cached by size/mtime)
  console.log(`series route, cold (reads and parses the 100,000-step file): ${cold.ms.toFixed(0)} ms, ${cold.bytes} bytes`);

  const before = [];
  for (let i = 0; i < RUNS; i++) before.push(await stream(eventsUrl, { lastId }));
  const b = before[0]!;
  console.log(
    `before (old page: replay the experiment's stream from the start): ${b.events} events, ${(b.bytes / 1e6).toFixed(1)} MB, ` +
      `median ${median(before.map((r) => r.ms)).toFixed(0)} ms until the last one (runs: ${before.map((r) => r.ms.toFixed(0)).join(", ")})`,
  );

  const parts = { page: [] as number[], series: [] as number[], stream: [] as number[], total: [] as number[] };
  let sizes = { page: 0, series: 0 };
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const html = await timed(pageUrl, page); // the HTML first, then what the page fetches at once, in parallel
    const [series, live] = await Promise.all([timed(seriesUrl, api), stream(`${eventsUrl}?lastEventId=${lastId}`, { firstByte: true })]);
    parts.total.push(performance.now() - start);
    parts.page.push(html.ms);
    parts.series.push(series.ms);
    parts.stream.push(live.ms);
    sizes = { page: html.bytes, series: series.bytes };
  }
  const total = median(parts.total);
  console.log(
    `after (page HTML with the job snapshot, then series route + stream after the newest event): first load median ${total.toFixed(0)} ms ` +
      `(page ${median(parts.page).toFixed(0)} ms / ${(sizes.page / 1024).toFixed(0)} KiB, series ${median(parts.series).toFixed(0)} ms / ${(sizes.series / 1024).toFixed(0)} KiB, ` +
      `stream's first byte ${median(parts.stream).toFixed(0)} ms, 0 events replayed)${total < 1000 ? "" : "  ← over the 1 s target"}`,
  );
  if (process.env.BENCH_SCREENSHOTS) {
    // optional: the charts of this long history in Chromium (BENCH_SCREENSHOTS=<folder>), 1280 and 390 px, light and dark
    const { chromium } = await import("@playwright/test");
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
    const [cookieName, cookieValue] = page.cookie.split("=") as [string, string];
    for (const width of [1280, 390]) {
      for (const scheme of ["light", "dark"] as const) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
        await ctx.addCookies([{ name: cookieName, value: cookieValue, url: base }]);
        const tab = await ctx.newPage();
        await tab.goto(pageUrl);
        const charts = tab.getByTestId("training-charts");
        await charts.locator('text[data-axis="y"]').first().waitFor();
        await charts.scrollIntoViewIfNeeded();
        await charts.screenshot({ path: path.join(process.env.BENCH_SCREENSHOTS, `training-charts-long-${width}-${scheme}.png`) });
        if (width === 1280 && scheme === "light") {
          await tab.getByLabel("Log scale").check();
          await charts.screenshot({ path: path.join(process.env.BENCH_SCREENSHOTS, `training-charts-long-log-${width}-${scheme}.png`) });
        }
        await ctx.close();
      }
    }
    await browser.close();
  }
} finally {
  web.kill("SIGTERM");
  await prisma.$disconnect();
  await new Promise((r) => setTimeout(r, 500));
  await database.drop();
  await server.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
}
