/**
 * bench/events (not a test): latency from `report.progress` in a worker process to the event
 * arriving at an SSE client of a real web server, p50/p95/p99 over 1,000 events; then the highest
 * sustained rate of log events whose p95 latency stays under 100 ms.
 * Usage: npx next build && node --import tsx bench/events.ts   (DATABASE_URL: a server to create a DB on)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrisma } from "../lib/db";
import { migrate } from "../lib/migrate";
import { setupQueues } from "../lib/queue";
import { freePort } from "../scripts/launcher/embedded-db";
import { createDatabase, testServer } from "../tests/helpers/database";

const ROOT = path.resolve(import.meta.dirname, "..");
const server = await testServer();
const database = await createDatabase(server.adminUrl, "vs_bench");
await migrate(database.url);
await setupQueues(database.url);
const prisma = createPrisma(database.url);
// the API needs credentials: an admin and a token, made as the CLI would
const { createUser } = await import("../lib/auth/users");
const { createToken } = await import("../lib/auth/api-tokens");
const benchUser = await createUser({ name: "bench", password: "bench-password", role: "admin" }, prisma);
const auth = { authorization: `Bearer ${(await createToken(benchUser.id, { name: "bench", scope: "write" }, prisma)).secret}` };
const port = await freePort();
const web = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
  cwd: ROOT,
  env: { ...process.env, DATABASE_URL: database.url, DATA_ROOT: fs.mkdtempSync(path.join(os.tmpdir(), "vs-bench-")) },
  stdio: "ignore",
});

async function waitUp() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("web server did not start");
}

/** Subscribe over HTTP and record arrival time per event (key from `keyOf`). */
async function subscribe(jobId: string, keyOf: (ev: any) => number | null) {
  const arrived = new Map<number, number>();
  const ctrl = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/api/jobs/${jobId}/events`, { signal: ctrl.signal, headers: auth });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = "";
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const now = Date.now();
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (!data) continue;
          const key = keyOf(JSON.parse(data.slice(6)));
          if (key !== null && !arrived.has(key)) arrived.set(key, now);
        }
      }
    } catch {
      /* closed */
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  return { arrived, close: () => ctrl.abort() };
}

/** The producer runs as its own process; asynchronously, so this process keeps reading the stream meanwhile. */
function produce(jobId: string, mode: string, count: number, rate: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/events-producer.ts"), jobId, mode, String(count), String(rate)], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: database.url },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`producer exited ${code}`))));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function run(mode: "progress" | "log", count: number, rate: number) {
  const job = await prisma.job.create({ data: { kind: "selftest", status: "running" } });
  const sub = await subscribe(job.id, (ev) =>
    mode === "progress" ? (ev.kind === "progress" ? ev.data.done : null) : ev.kind === "log" ? Number(ev.message.split(" ")[0]) : null,
  );
  const sent = await produce(job.id, mode, count, rate);
  await new Promise((r) => setTimeout(r, 1500));
  sub.close();
  const lat: number[] = [];
  for (let i = 1; i <= count; i++) {
    const a = sub.arrived.get(i);
    if (a !== undefined) lat.push(a - sent[i]!);
  }
  return { delivered: lat.length, count, p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99) };
}

try {
  await waitUp();
  console.log(`bench/events on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const p = await run("progress", 1000, 100);
  console.log(
    `report.progress → SSE client, 1,000 events at 100/s: p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms ` +
      `(${p.delivered} delivered as separate events; the rest coalesced by the reporter's throttle)`,
  );
  let best = 0;
  for (const rate of [100, 250, 500, 1000, 2000, 4000]) {
    const r = await run("log", Math.max(200, rate * 2), rate);
    const ok = r.p95 < 100 && r.delivered === r.count;
    console.log(`log events at ${rate}/s for 2 s: delivered ${r.delivered}/${r.count}, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms${ok ? "" : "  ← over target"}`);
    if (ok) best = rate;
  }
  console.log(`highest sustained rate with p95 < 100 ms: ${best} events/s`);
} finally {
  web.kill("SIGTERM");
  await prisma.$disconnect();
  await database.drop();
  await server.stop();
}
