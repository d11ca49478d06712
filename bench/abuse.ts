/**
 * bench/abuse (not a test): a real `next start` + worker under hostile load, all at once —
 *   a 2 GB multipart model import sent chunked (within MAX_UPLOAD_BYTES: streamed to disk, then refused as not a model),
 *   a 2 GB multipart conversion with Content-Length (over MAX_CONVERSION_BYTES: refused unread),
 *   200 SSE clients on a running self-test's events, 50 API calls kept in flight, 10 parallel model imports —
 * while sampling web and worker RSS (VmRSS) and timing GET /api/health every 100 ms.
 * Targets: web RSS < 500 MB, health p95 < 200 ms, no crash.
 * Usage: npx next build && node --import tsx bench/abuse.ts [parts] [flood|burst]
 *   parts: comma-separated subset of big,sse,api,imports (default all), to attribute memory and latency;
 *   api mode: flood keeps 50 calls in flight all the time (default), burst sends 50 at once every second.
 *   (DATABASE_URL: a server to create a DB on; PYTHON with torch)
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createToken } from "../lib/auth/api-tokens";
import { createUser } from "../lib/auth/users";
import { createPrisma } from "../lib/db";
import { migrate } from "../lib/migrate";
import { setupQueues } from "../lib/queue";
import { freePort } from "../scripts/launcher/embedded-db";
import { createDatabase, testServer } from "../tests/helpers/database";

const ROOT = path.resolve(import.meta.dirname, "..");
const PARTS = new Set((process.argv[2] ?? "big,sse,api,imports").split(","));
const API_MODE = process.argv[3] === "burst" ? "burst" : "flood";
const PY = process.env.PYTHON ?? "/usr/bin/python3";
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const server = await testServer();
const database = await createDatabase(server.adminUrl, "vs_bench");
await migrate(database.url);
await setupQueues(database.url);
// the API needs credentials: an admin and a write token, made as the CLI would (health is measured as the admin sees it)
const prisma = createPrisma(database.url);
const benchUser = await createUser({ name: "bench", password: "bench-password", role: "admin" }, prisma);
const auth = { authorization: `Bearer ${(await createToken(benchUser.id, { name: "bench", scope: "write" }, prisma)).secret}` };
await prisma.$disconnect();
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-abuse-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, DATABASE_URL: database.url, DATA_ROOT: dataRoot, PYTHON: PY, NEXT_TELEMETRY_DISABLED: "1", WORKER_HEARTBEAT_SECONDS: "2" };
const children: ChildProcess[] = [];
const web = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: ROOT, env, stdio: "ignore" });
const worker = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "worker/main.ts")], { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
children.push(web, worker);
let crashed = "";
for (const [name, c] of [["web", web], ["worker", worker]] as const) c.on("exit", (code, sig) => (crashed ||= `${name} exited (${code ?? sig})`));

const authed = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rss = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;
  } catch {
    return 0;
  }
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const mb = (b: number) => `${(b / MiB).toFixed(0)} MB`;

async function waitUp() {
  for (let i = 0; i < 300; i++) {
    if (crashed) throw new Error(crashed);
    try {
      if ((await authed(`${base}/api/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await sleep(200);
  }
  throw new Error("web server did not start");
}

/** The pid listening on the port (next start's server process). */
const listeningPid = () => Number(/pid=(\d+)/.exec(execFileSync("ss", ["-ltnpH", `sport = :${port}`]).toString())![1]);

/** A multipart body of `bytes` whose one file part is zeros from one reused buffer; stops when answered. */
async function hugePost(route: string, file: { field: string; name: string }, fields: Record<string, string>, bytes: number, chunked: boolean) {
  const boundary = "----abuse";
  const head = Buffer.from(
    Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") +
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const zeros = Buffer.alloc(MiB);
  const headers: Record<string, string> = { ...auth, "content-type": `multipart/form-data; boundary=${boundary}` };
  if (!chunked) headers["content-length"] = String(bytes);
  const req = http.request(`${base}${route}`, { method: "POST", headers });
  const started = Date.now();
  const answer = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
  });
  let answered = false;
  void answer.then(() => (answered = true), () => (answered = true));
  let sent = 0;
  const write = async (b: Buffer) => {
    sent += b.length;
    if (!req.write(b)) await Promise.race([new Promise((r) => req.once("drain", r)), answer.catch(() => {})]);
  };
  await write(head);
  for (let left = bytes - head.length - tail.length; left > 0 && !answered; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  if (!answered) req.end(tail);
  const status = await answer.catch((e: Error) => `error ${e.message}`);
  req.destroy();
  return { status, sent, seconds: (Date.now() - started) / 1000 };
}

async function sseClient(jobId: string, stop: AbortSignal) {
  let events = 0;
  try {
    const res = await authed(`${base}/api/jobs/${jobId}/events`, { signal: stop });
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      events += new TextDecoder().decode(value).split("\n\n").length - 1;
    }
  } catch {
    /* aborted at the end */
  }
  return events;
}

const API = ["/api/experiments", "/api/models", "/api/jobs", "/api/conversions", "/api/pretrained", "/api/openapi.json"];
async function apiLoop(stop: AbortSignal, stats: { calls: number; errors: number; latency: number[] }, pauseMs: number) {
  let i = Math.floor(Math.random() * API.length);
  while (!stop.aborted) {
    const t = performance.now();
    try {
      const res = await authed(`${base}${API[i++ % API.length]}`);
      await res.arrayBuffer();
      if (res.status >= 500) stats.errors++;
    } catch {
      stats.errors++;
    }
    stats.calls++;
    stats.latency.push(performance.now() - t);
    if (pauseMs) await sleep(Math.max(0, pauseMs - (performance.now() - t)));
  }
}

try {
  await waitUp();
  const webPid = listeningPid();
  const pthDir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-abuse-model-"));
  execFileSync(PY, ["scripts/make-random-model.py", "--tiny", "--index-rows", "0", "--out", pthDir, "--name", "abuse"], { cwd: ROOT, stdio: "ignore" });
  const pth = fs.readFileSync(path.join(pthDir, "abuse.pth"));
  console.log(`bench/abuse on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);

  // baseline: health alone
  const idleHealth: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await (await authed(`${base}/api/health`)).arrayBuffer();
    idleHealth.push(performance.now() - t);
    await sleep(50);
  }
  const idle = { web: rss(webPid), worker: rss(worker.pid!) };

  // samplers
  const peak = { web: 0, worker: 0, python: 0 };
  const sampler = setInterval(() => {
    peak.web = Math.max(peak.web, rss(webPid));
    peak.worker = Math.max(peak.worker, rss(worker.pid!));
    const py = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(dataRoot) && fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes("trainer");
      } catch {
        return false;
      }
    }).length;
    peak.python = Math.max(peak.python, py);
  }, 100);
  const health: number[] = [];
  const healthAdmin: number[] = [];
  let healthFailures = 0;
  const stop = new AbortController();
  const healthLoop = (async () => {
    while (!stop.signal.aborted) {
      // as a monitor polls it (no credentials: {status}), then as an admin (the whole report)
      for (const [asAdmin, into] of [[false, health], [true, healthAdmin]] as const) {
        const t = performance.now();
        try {
          const res = await (asAdmin ? authed : fetch)(`${base}/api/health`);
          await res.arrayBuffer();
          if (!res.ok) healthFailures++;
        } catch {
          healthFailures++;
        }
        into.push(performance.now() - t);
      }
      await sleep(100);
    }
  })();

  // a long self-test for the SSE clients to watch
  const st = (await (await authed(`${base}/api/system/selftest`, { method: "POST", body: JSON.stringify({ seconds: 120, steps: 1200 }), headers: { "content-type": "application/json" } })).json()) as { job: { id: string } };
  const sse = PARTS.has("sse") ? Array.from({ length: 200 }, () => sseClient(st.job.id, stop.signal)) : [];
  const api = { calls: 0, errors: 0, latency: [] as number[] };
  const apiLoops = PARTS.has("api") ? Array.from({ length: 50 }, () => apiLoop(stop.signal, api, API_MODE === "burst" ? 1000 : 0)) : [];
  const none = { status: "-", sent: 0, seconds: 0 };

  const t0 = Date.now();
  const [bigImport, bigConversion, imports] = await Promise.all([
    PARTS.has("big") ? hugePost("/api/models/import", { field: "pth", name: "huge.pth" }, { name: "huge" }, 2 * GiB, true) : none,
    PARTS.has("big") ? hugePost("/api/conversions", { field: "audio", name: "huge.wav" }, { modelId: "00000000-0000-4000-8000-000000000000" }, 2 * GiB, false) : none,
    !PARTS.has("imports") ? [] : Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const fd = new FormData();
      fd.append("pth", new File([pth], `abuse-${i}.pth`));
      const res = await authed(`${base}/api/models/import`, { method: "POST", body: fd });
      await res.arrayBuffer();
      return res.status;
    })),
    // without the big uploads and imports, the other loads run for a fixed 60 s
    PARTS.has("big") || PARTS.has("imports") ? null : sleep(60_000),
  ]);
  const loadSeconds = (Date.now() - t0) / 1000;
  stop.abort();
  const sseEvents = await Promise.all(sse);
  await Promise.all([healthLoop, ...apiLoops]);
  clearInterval(sampler);
  const after = await authed(`${base}/api/health`).then((r) => r.status, () => 0);
  await sleep(2000);
  const settled = { web: rss(webPid), worker: rss(worker.pid!) };
  const left = fs.existsSync(path.join(dataRoot, "request-bodies")) ? fs.readdirSync(path.join(dataRoot, "request-bodies")).length : 0;

  const count = (xs: (number | string)[]) => Object.entries(xs.reduce<Record<string, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {})).map(([k, v]) => `${v}×${k}`).join(", ");
  console.log(`load phase ${loadSeconds.toFixed(1)} s: ${[...PARTS].join(", ")}${PARTS.has("api") ? ` (API ${API_MODE})` : ""}`);
  console.log(`  2 GB chunked import (within MAX_UPLOAD_BYTES, streamed to disk): ${bigImport.status} after ${mb(bigImport.sent)} in ${bigImport.seconds.toFixed(1)} s`);
  console.log(`  2 GB conversion with Content-Length (over MAX_CONVERSION_BYTES): ${bigConversion.status} after ${mb(bigConversion.sent)} sent`);
  console.log(`  10 parallel imports: ${count(imports)}; at most ${peak.python} trainer Python processes at once (MAX_PYTHON_HELPERS=2 in the web, plus the worker's export jobs)`);
  console.log(`  200 SSE clients: ${sseEvents.filter((n) => n > 0).length} received events (median ${pct(sseEvents, 50)} frames each)`);
  console.log(`  50 API clients (${API_MODE === "burst" ? "each one call a second" : "each always one call in flight"}): ${api.calls} calls, ${api.errors} errors (5xx or failed), p50 ${pct(api.latency, 50).toFixed(0)} ms, p95 ${pct(api.latency, 95).toFixed(0)} ms`);
  console.log(`/api/health: idle p95 ${pct(idleHealth, 95).toFixed(0)} ms; under load p50 ${pct(health, 50).toFixed(0)} ms, p95 ${pct(health, 95).toFixed(0)} ms, max ${Math.max(...health).toFixed(0)} ms, ${healthFailures} failures of ${health.length + healthAdmin.length}`);
  console.log(`/api/health as an admin (whole report, token checked): under load p50 ${pct(healthAdmin, 50).toFixed(0)} ms, p95 ${pct(healthAdmin, 95).toFixed(0)} ms`);
  console.log(`web RSS: idle ${mb(idle.web)}, peak ${mb(peak.web)}, 2 s after ${mb(settled.web)}; worker RSS: idle ${mb(idle.worker)}, peak ${mb(peak.worker)}`);
  console.log(`staging left in DATA_ROOT/request-bodies: ${left}`);
  const ok = { "web RSS < 500 MB": peak.web < 500 * MiB, "health p95 < 200 ms": pct(health, 95) < 200, "no crash": !crashed && after === 200 };
  console.log(`targets: ${Object.entries(ok).map(([k, v]) => `${k} ${v ? "✓" : "✗"}`).join(", ")}${crashed ? ` (${crashed})` : ""}`);
  fs.rmSync(pthDir, { recursive: true, force: true });
} finally {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  await database.drop();
  await server.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
}
