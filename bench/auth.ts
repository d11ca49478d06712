/**
 * bench/auth (not a test): the latency the gate (lib/http.ts#route) adds to an API request, in-process against a
 * real Postgres: caller resolution (token or session lookup, lastUsed/lastSeen touch at most once a minute), role
 * check, same-origin check. p50/p95 over N calls each, against the same handler without the gate.
 * Usage: node --import tsx bench/auth.ts [N=2000]   (DATABASE_URL: a server to create a database on)
 */
import { createDatabase, testServer } from "../tests/helpers/database";
import { migrate } from "../lib/migrate";

const N = Number(process.argv[2] ?? 2000);
const server = await testServer();
const database = await createDatabase(server.adminUrl, "vs_bench_auth");
await migrate(database.url);
process.env.DATABASE_URL = database.url;
const { route } = await import("../lib/http");
const { createUser } = await import("../lib/auth/users");
const { createToken } = await import("../lib/auth/api-tokens");
const { createSession } = await import("../lib/auth/sessions");
const { db } = await import("../lib/db");

const user = await createUser({ name: "bench", password: "bench-password", role: "member" });
const token = (await createToken(user.id, { name: "bench", scope: "write" })).secret;
const cookie = (await createSession(user.id, new Request("http://127.0.0.1/api"))).cookie.split(";")[0]!;

const handler = async () => new Response("{}", { headers: { "content-type": "application/json" } });
const bare = handler;
const gated = route({ access: "viewer", summary: "bench", responses: {} }, handler);
const open = route({ access: "public", summary: "bench", responses: {} }, handler);
const ctx = { params: Promise.resolve({}) };

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

async function measure(label: string, fn: (req: Request, c: typeof ctx) => Promise<Response>, headers: Record<string, string>) {
  const times: number[] = [];
  for (let i = 0; i < N + 200; i++) {
    const req = new Request("http://127.0.0.1/api/experiments", { headers });
    const t = process.hrtime.bigint();
    const res = await fn(req, ctx);
    const dt = Number(process.hrtime.bigint() - t) / 1e6;
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
    if (i >= 200) times.push(dt); // the first 200 warm up the pool and the JIT
  }
  return { label, ...stats(times) };
}

try {
  const rows = [
    await measure("no gate (baseline)", bare, {}),
    await measure("public route, no credentials", open, {}),
    await measure("bearer token", gated, { authorization: `Bearer ${token}` }),
    await measure("session cookie", gated, { cookie }),
  ];
  const base = rows[0]!;
  console.log(`auth gate latency, ${N} requests each (ms)`);
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(30)} p50 ${r.p50.toFixed(3)}  p95 ${r.p95.toFixed(3)}  p99 ${r.p99.toFixed(3)}  added p50 ${(r.p50 - base.p50).toFixed(3)}  p95 ${(r.p95 - base.p95).toFixed(3)}`,
    );
  }
} finally {
  await db().$disconnect();
  await database.drop();
  await server.stop();
}
