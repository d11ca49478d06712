/**
 * The app behind the shipped Caddyfile over HTTPS (issue 21), with Debian's Caddy on loopback and its internal CA:
 * the real launcher (migrations, web, worker) with TRUST_PROXY=1 and ALLOWED_HOSTS=localhost behind
 * `caddy run --config deploy/Caddyfile`. Through the proxy: log in (secure cookie), create an experiment, a tus
 * upload resumed after its connection was cut mid-body, a Range download, SSE events not held back by the proxy
 * (each event of one stream compared with the same event read directly from the app), and a client's forged
 * X-Forwarded-For replaced by the proxy. Without TRUST_PROXY (the web server alone, straight to the app) a forged
 * X-Forwarded-For is ignored: the login limit still counts the real address.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/launcher/embedded-db";
import { createDatabase, testServer, type TestServer } from "../helpers/database";
import { launcherDataRoot, ROOT, startTs, until, type Proc } from "../helpers/process";
import { metadata } from "../helpers/tus";
import { sineWav } from "../helpers/audio-fixtures";

const PASSWORD = "proxy-test-secret";
let server: TestServer;
let db: Awaited<ReturnType<typeof createDatabase>>;
let app: Proc;
let direct: Proc | undefined;
let caddy: ChildProcess;
let caddyOut = "";
let tmp: string;
let appPort: number;
let httpsPort: number;
let ca: Buffer;
let cookie = "";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTPS request to the proxy, as a browser at https://localhost:PORT would send it. */
function viaProxy(method: string, url: string, opts: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port: httpsPort, servername: "localhost", ca, method, path: url, agent: false, headers: { host: `localhost:${httpsPort}`, ...authHeaders(method), ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** The session cookie and, for writes, the Origin a browser sends from our own page. */
function authHeaders(method: string): Record<string, string> {
  const h: Record<string, string> = cookie ? { cookie } : {};
  if (method !== "GET" && method !== "HEAD") h.origin = `https://localhost:${httpsPort}`;
  return h;
}

const json = (a: Answer) => JSON.parse(a.body.toString("utf8"));

beforeAll(async () => {
  const caddyBin = spawnSync("caddy", ["version"], { encoding: "utf8" });
  if (caddyBin.status !== 0) throw new Error("Caddy is not installed: run scripts/setup-system.sh (Debian: apt-get install caddy)");
  server = await testServer();
  db = await createDatabase(server.adminUrl, "vs_https");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vs-https-"));
  appPort = await freePort();
  httpsPort = await freePort();
  const httpPort = await freePort();
  app = startTs("scripts/start.ts", {
    ...process.env,
    DATABASE_URL: db.url,
    DATA_ROOT: launcherDataRoot("vs-https-data-"),
    HOST: "127.0.0.1",
    PORT: String(appPort),
    ALLOWED_HOSTS: "localhost,127.0.0.1",
    TRUST_PROXY: "1",
    STUDIO_PASSWORD: PASSWORD,
    WORKER_HEARTBEAT_SECONDS: "1",
  });
  caddy = spawn("caddy", ["run", "--config", path.join(ROOT, "deploy", "Caddyfile"), "--adapter", "caddyfile"], {
    env: {
      PATH: process.env.PATH,
      HOME: tmp,
      XDG_DATA_HOME: path.join(tmp, "data"),
      XDG_CONFIG_HOME: path.join(tmp, "config"),
      STUDIO_DOMAIN: "localhost",
      STUDIO_HTTPS_PORT: String(httpsPort),
      STUDIO_HTTP_PORT: String(httpPort),
      STUDIO_UPSTREAM: `127.0.0.1:${appPort}`,
      CADDY_ADMIN: "off",
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  caddy.stdout!.on("data", (d) => (caddyOut += d));
  caddy.stderr!.on("data", (d) => (caddyOut += d));
  const rootCert = path.join(tmp, "data", "caddy", "pki", "authorities", "local", "root.crt");
  ca = await until(async () => (fs.existsSync(rootCert) ? fs.readFileSync(rootCert) : null), 60_000, `Caddy's internal CA (${caddyOut.slice(-500)})`);
  await until(async () => (await viaProxy("GET", "/api/health")).status === 200, 240_000, "the app through the proxy");
}, 300_000);

afterAll(async () => {
  caddy?.kill("SIGTERM");
  for (const p of [app, direct]) if (p && p.child.exitCode === null) p.child.kill("SIGTERM");
  await Promise.all([app, direct].filter(Boolean).map((p) => p!.exit()));
  await db?.drop();
  await server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}, 120_000);

describe("behind Caddy over HTTPS", () => {
  it("log in: the session cookie is Secure (X-Forwarded-Proto trusted with TRUST_PROXY)", async () => {
    const r = await viaProxy("POST", "/api/auth/login", { headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "admin", password: PASSWORD }) });
    expect(r.status, r.body.toString()).toBe(200);
    const setCookie = String(r.headers["set-cookie"]);
    expect(setCookie).toMatch(/; Secure/);
    cookie = setCookie.split(";")[0]!;
    const me = await viaProxy("GET", "/api/auth/me");
    expect(json(me).user.name).toBe("admin");
  });

  it("a tus upload cut off mid-body resumes from the stored offset; the file downloads with Range", async () => {
    expect((await viaProxy("POST", "/api/experiments", { headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "proxied" }) })).status).toBe(201);
    const data = fs.readFileSync(sineWav(tmp, "song.wav", { seconds: 6, freq: 220 }));
    const created = await viaProxy("POST", "/api/uploads", {
      headers: { "tus-resumable": "1.0.0", "upload-length": String(data.length), "upload-metadata": metadata({ experiment: "proxied", filename: "song.wav" }) },
    });
    expect(created.status, created.body.toString()).toBe(201);
    const location = new URL(String(created.headers.location), `https://localhost:${httpsPort}`).pathname;

    // send 60 % of the body, then drop the connection
    const cut = Math.floor(data.length * 0.6);
    await new Promise<void>((resolve) => {
      const req = https.request({
        host: "127.0.0.1", port: httpsPort, servername: "localhost", ca, method: "PATCH", path: location, agent: false,
        headers: { host: `localhost:${httpsPort}`, ...authHeaders("PATCH"), "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream", "content-length": String(data.length) },
      });
      req.on("error", () => resolve());
      req.on("close", () => resolve());
      req.write(data.subarray(0, cut), () => setTimeout(() => req.destroy(), 500));
    });
    const offset = await until(async () => {
      const h = await viaProxy("HEAD", location, { headers: { "tus-resumable": "1.0.0" } });
      const o = Number(h.headers["upload-offset"]);
      return h.status === 200 && o > 0 ? o : null;
    }, 20_000, "the stored offset");
    expect(offset).toBeLessThanOrEqual(cut);
    const rest = await viaProxy("PATCH", location, {
      headers: { "tus-resumable": "1.0.0", "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: data.subarray(offset),
    });
    expect(rest.status, rest.body.toString()).toBeLessThan(300);
    const files = json(await viaProxy("GET", "/api/experiments/proxied/files")).files as { id: string; sha256: string; bytes: number }[];
    expect(files).toHaveLength(1);
    expect(files[0]!.sha256).toBe(createHash("sha256").update(data).digest("hex"));

    const part = await viaProxy("GET", `/api/experiments/proxied/files/${files[0]!.id}/audio`, { headers: { range: "bytes=100-1099" } });
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 100-1099/${data.length}`);
    expect(part.body.equals(data.subarray(100, 1100))).toBe(true);
  }, 60_000);

  it("SSE passes through unbuffered: each event reaches the proxied stream about when it reaches a direct one", async () => {
    const job = json(await viaProxy("POST", "/api/system/selftest", { headers: { "content-type": "application/json" }, body: JSON.stringify({ seconds: 4, steps: 40 }) })).job;
    const arrivals = { proxy: new Map<string, number>(), direct: new Map<string, number>() };
    const done = (side: keyof typeof arrivals) => (chunk: Buffer) => {
      const t = performance.now();
      for (const m of chunk.toString("utf8").matchAll(/^id: ?(\S+)$/gm)) if (!arrivals[side].has(m[1]!)) arrivals[side].set(m[1]!, t);
    };
    const streamPath = `/api/jobs/${job.id}/events`;
    const proxied = https.request({ host: "127.0.0.1", port: httpsPort, servername: "localhost", ca, path: streamPath, agent: false, headers: { host: `localhost:${httpsPort}`, cookie, accept: "text/event-stream" } });
    const straight = http.request({ host: "127.0.0.1", port: appPort, path: streamPath, agent: false, headers: { host: `127.0.0.1:${appPort}`, cookie, accept: "text/event-stream" } });
    proxied.on("response", (res) => res.on("data", done("proxy")));
    straight.on("response", (res) => res.on("data", done("direct")));
    proxied.on("error", () => {});
    straight.on("error", () => {});
    proxied.end();
    straight.end();
    await until(async () => {
      const j = json(await viaProxy("GET", `/api/jobs/${job.id}`)).job ?? json(await viaProxy("GET", `/api/jobs/${job.id}`));
      return j.status === "succeeded" && arrivals.proxy.size >= arrivals.direct.size && arrivals.direct.size > 5;
    }, 60_000, "the self-test's events on both streams");
    proxied.destroy();
    straight.destroy();
    const delays = [...arrivals.direct].filter(([id]) => arrivals.proxy.has(id)).map(([id, t]) => arrivals.proxy.get(id)! - t).sort((a, b) => a - b);
    expect(delays.length).toBeGreaterThan(5);
    const median = delays[Math.floor(delays.length / 2)]!;
    console.log(`[https] SSE through Caddy: ${delays.length} events, extra delay median ${median.toFixed(1)} ms, max ${delays.at(-1)!.toFixed(1)} ms`);
    // a buffering proxy holds events back until a buffer fills or the stream ends (seconds here)
    expect(median).toBeLessThan(100);
  }, 90_000);

  it("a client's forged X-Forwarded-For does not reach the app: the proxy sets the real address", async () => {
    const r = await viaProxy("POST", "/api/auth/login", {
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.66" },
      body: JSON.stringify({ name: "nobody-via-proxy", password: "wrong" }),
    });
    expect(r.status).toBe(401);
    expect(await failedLoginAddress("nobody-via-proxy")).toBe("127.0.0.1");
  });
});

describe("without TRUST_PROXY, straight to the app", () => {
  it("a forged X-Forwarded-For is ignored: the address is the socket's and the login limit still counts it", async () => {
    const port = await freePort();
    direct = startTs("scripts/launcher/web-server.ts", { ...process.env, DATABASE_URL: db.url, NODE_ENV: "production", TRUST_PROXY: "", ALLOWED_HOSTS: "127.0.0.1" }, [String(port), "127.0.0.1"]);
    await direct.waitFor(/ready on/, 120_000);
    const attempt = (i: number) =>
      fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${i}`, "x-forwarded-proto": "https" },
        body: JSON.stringify({ name: `forger-${i}`, password: "wrong" }),
      });
    // five failures from "five addresses" (and five names) are five failures from one real address
    for (let i = 1; i <= 5; i++) expect((await attempt(i)).status).toBe(401);
    const sixth = await attempt(6);
    expect(sixth.status).toBe(429);
    expect(await failedLoginAddress("forger-1")).toBe("127.0.0.1");
  }, 180_000);
});

async function failedLoginAddress(name: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const r = await c.query(`SELECT details FROM "Activity" WHERE action = 'login.failed' AND "targetName" = $1 ORDER BY id DESC LIMIT 1`, [name]);
    return r.rows[0]?.details?.address;
  } finally {
    await c.end();
  }
}
