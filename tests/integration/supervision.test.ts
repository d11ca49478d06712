/**
 * The app stays up: the launcher restarts a killed worker (a running job resumes), gives up on a
 * crash loop with the reason, and the worker rides out a Postgres restart. The Postgres test kills
 * a cluster of its own, never the shared test server.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../lib/db";
import { migrate } from "../../lib/migrate";
import { createBoss, setupQueues } from "../../lib/queue";
import { freePort, startEmbeddedDb, type EmbeddedDb } from "../../scripts/launcher/embedded-db";
import { startTs, until, type Proc, launcherDataRoot } from "../helpers/process";
import { loginAndMakeToken, withAuth } from "../helpers/auth";

const dirs: string[] = [];
const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const d = launcherDataRoot("vs-supervise-");
  dirs.push(d);
  return d;
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, "g"))?.length ?? 0;
}

/** Pids of the launcher's worker children (Linux: /proc/PID/task/PID/children). */
function workerChildren(launcherPid: number): number[] {
  const raw = fs.readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, "utf8").trim();
  return raw
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("worker/main.ts");
      } catch {
        return false;
      }
    });
}

const LAUNCHER_PASSWORD = "supervision-secret";
let token = "";
/** fetch with the token of the launcher under test */
const api = (url: string, init?: RequestInit) => fetch(url, withAuth(init, token));

async function startLauncher(): Promise<{ app: Proc; base: string; root: string }> {
  const port = await freePort();
  const root = tempRoot();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_ROOT: root,
    PORT: String(port),
    WORKER_HEARTBEAT_SECONDS: "1",
    WORKER_STALE_SECONDS: "3",
    STUDIO_PASSWORD: LAUNCHER_PASSWORD, // seeds the admin "admin" of this launcher's own database
  };
  delete env.DATABASE_URL;
  const app = startTs("scripts/start.ts", env);
  cleanups.push(() => {
    if (app.child.exitCode === null) app.child.kill("SIGKILL");
  });
  const base = `http://127.0.0.1:${port}`;
  token = await loginAndMakeToken(base, LAUNCHER_PASSWORD);
  await until(async () => {
    const res = await api(`${base}/api/health`);
    const body = (await res.json()) as { workers: unknown[] };
    return res.status === 200 && body.workers.length > 0;
  }, 240_000, "health with a live worker");
  return { app, base, root };
}

async function selftest(base: string, seconds: number, steps: number): Promise<ApiJob> {
  const res = await api(`${base}/api/system/selftest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ seconds, steps }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { job: ApiJob }).job;
}

interface ApiJob {
  id: string;
  status: string;
  attempts: number;
  workerId: string | null;
}

async function getJob(base: string, id: string): Promise<ApiJob> {
  return (await (await api(`${base}/api/jobs/${id}`)).json()) as ApiJob;
}

describe("launcher supervision", () => {
  it("restarts a SIGKILLed worker while the web stays up, and the job it was running resumes and completes; restarts a SIGKILLed web", async () => {
    const { app, base } = await startLauncher();
    const job = await selftest(base, 6, 6);
    const running = await until(async () => {
      const j = await getJob(base, job.id);
      return j.status === "running" ? j : null;
    }, 30_000, "the self-test to run");
    const [workerPid] = workerChildren(app.child.pid!);
    expect(workerPid).toBeGreaterThan(0);
    process.kill(workerPid!, "SIGKILL");

    await app.waitFor(/worker ended unexpectedly \(killed by SIGKILL\); restarting in 1 s/, 10_000);
    const done = await until(async () => {
      const j = await getJob(base, job.id);
      return j.status === "succeeded" ? j : null;
    }, 90_000, "the self-test to complete after the restart");
    expect(done.attempts).toBe(2);
    expect(done.workerId).not.toBe(running.workerId);
    const events = (await (await api(`${base}/api/jobs/${job.id}/logs`)).text());
    expect(events).toMatch(/interrupted/);
    // the web was never restarted and still answers
    expect(app.output()).not.toMatch(/web ended unexpectedly/);
    expect((await api(`${base}/api/health`)).status).toBe(200);
    expect(app.child.exitCode).toBeNull();

    // the web server is supervised the same way
    const web = fs.readFileSync(`/proc/${app.child.pid}/task/${app.child.pid}/children`, "utf8").trim().split(/\s+/).map(Number)
      .find((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("launcher/web-server.ts"));
    process.kill(web!, "SIGKILL");
    await app.waitFor(/web ended unexpectedly \(killed by SIGKILL\); restarting in 1 s/, 10_000);
    await until(async () => (await api(`${base}/api/health`)).status === 200, 60_000, "the web to answer again");

    app.child.kill("SIGTERM");
    expect(await app.exit()).toBe(0);
    expect(app.output()).toMatch(/\[worker\] stopped/);
    expect(app.output()).toMatch(/\[studio\] worker restarted/);
  }, 300_000);

  it("restarts its embedded Postgres after a SIGKILL on the same port; web and worker carry on", async () => {
    const { app, base, root } = await startLauncher();
    const pidFile = path.join(root, "postgres", "postmaster.pid");
    const postmaster = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    const [workerPid] = workerChildren(app.child.pid!);
    process.kill(postmaster, "SIGKILL");
    await app.waitFor(/embedded Postgres ended unexpectedly \(killed by SIGKILL\); restarting in 1 s/, 10_000);
    await app.waitFor(/\[studio\] embedded Postgres restarted/, 90_000);
    expect(Number(fs.readFileSync(pidFile, "utf8").split("\n")[0])).not.toBe(postmaster);

    // the same worker process takes a new job; the web answers with it
    const job = await until(() => selftest(base, 1, 2), 30_000, "the web to queue a job again");
    await until(async () => (await getJob(base, job.id)).status === "succeeded", 60_000, "the job after the restart");
    expect(workerChildren(app.child.pid!)).toEqual([workerPid]);
    expect(app.output()).not.toMatch(/(web|worker) ended unexpectedly/);
    expect(app.output()).toMatch(/\[worker\] database reachable again/);

    app.child.kill("SIGINT");
    expect(await app.exit()).toBe(0);
    expect(fs.existsSync(pidFile)).toBe(false);
  }, 300_000);

  it("gives up on a crash loop with one line saying why, stops the rest and exits 1", async () => {
    const { app } = await startLauncher();
    // the worker dies every time it starts (as under an OOM killer): kill each new one at once
    const killed = new Set<number>();
    const killer = setInterval(() => {
      if (app.child.exitCode !== null) return;
      for (const pid of workerChildren(app.child.pid!)) {
        if (killed.has(pid)) continue;
        killed.add(pid);
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    }, 50);
    try {
      expect(await app.exit()).toBe(1);
    } finally {
      clearInterval(killer);
    }
    const out = app.output();
    expect(killed.size).toBe(5);
    expect(out).toMatch(/\[studio\] giving up: worker keeps crashing, 5 crashes within \d+ s \(a crash loop\); last: killed by SIGKILL; stopping everything/);
    expect(count(out, /worker ended unexpectedly/)).toBe(4);
    expect(out).toMatch(/stopping embedded Postgres/);
  }, 300_000);
});

describe("worker and a Postgres restart", () => {
  it("keeps running through a Postgres SIGKILL and restart, says so once, and finishes its jobs afterwards", async () => {
    const root = tempRoot();
    const dbOpts = { dataDir: path.join(root, "pg"), secretFile: path.join(root, "secret"), log: () => {} };
    let pgServer: EmbeddedDb = await startEmbeddedDb({ ...dbOpts, port: 0 });
    cleanups.push(() => pgServer.stop());
    const url = pgServer.url;
    await migrate(url);
    await setupQueues(url);
    const prisma = createPrisma(url, 2);
    cleanups.push(() => prisma.$disconnect());

    const sender = createBoss(url, "setup", () => {}); // errors while the server is down are expected
    await sender.start();
    cleanups.push(() => sender.stop({ graceful: false, wait: true }));
    const enqueue = async (seconds: number, steps: number) => {
      const job = await prisma.job.create({ data: { kind: "selftest", params: { seconds, steps } } });
      await sender.send("selftest", { jobId: job.id }, { id: job.id });
      return job.id;
    };
    const status = async (id: string) => (await prisma.job.findUniqueOrThrow({ where: { id } })).status;

    const worker = startTs("worker/main.ts", {
      ...process.env,
      DATABASE_URL: url,
      WORKER_HEARTBEAT_SECONDS: "1",
    });
    cleanups.push(() => {
      if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    });
    await worker.waitFor(/ready on/, 60_000);

    const first = await enqueue(4, 8);
    await until(async () => (await status(first)) === "running", 20_000, "the first job to run");

    const postmaster = Number(fs.readFileSync(path.join(dbOpts.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(postmaster, "SIGKILL");
    expect(await pgServer.exited).toBe("killed by SIGKILL");
    await worker.waitFor(/database unreachable/, 30_000);
    // the worker polls an unreachable server for a while; its 4 s job's handler ends meanwhile
    await new Promise((r) => setTimeout(r, 5000));
    expect(worker.child.exitCode).toBeNull();

    pgServer = await startEmbeddedDb({ ...dbOpts, port: pgServer.port });
    await worker.waitFor(/database reachable again/, 30_000);

    await until(async () => (await status(first)) === "succeeded", 60_000, "the interrupted job to finish");
    // its handler ended while the server was away: handed back once the database answered, run again
    const firstRow = await prisma.job.findUniqueOrThrow({ where: { id: first } });
    expect(firstRow.attempts).toBe(2);
    const messages = (await prisma.jobEvent.findMany({ where: { jobId: first, kind: "status" }, orderBy: { id: "asc" } })).map((e) => e.message);
    expect(messages).toContain("interrupted: the worker lost its database connection; the job goes back to the queue");
    expect(messages).toContain("running again (attempt 2) after an interruption");
    const second = await enqueue(1, 2);
    await until(async () => (await status(second)) === "succeeded", 30_000, "a job queued after the restart");

    expect(worker.child.exitCode).toBeNull();
    const out = worker.output();
    expect(count(out, /database unreachable/)).toBe(1);
    expect(out).not.toMatch(/unhandled|worker failed/);

    worker.child.kill("SIGTERM");
    expect(await worker.exit()).toBe(0);
  }, 240_000);

  it("starting with no database reachable, waits for it quietly and still stops cleanly on SIGTERM", async () => {
    const dead = await freePort();
    const worker = startTs("worker/main.ts", {
      ...process.env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${dead}/nothing`,
      WORKER_HEARTBEAT_SECONDS: "1",
    });
    cleanups.push(() => {
      if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    });
    await worker.waitFor(/database unreachable \(heartbeat: .*ECONNREFUSED|database unreachable \(heartbeat: Can't reach database server/, 60_000);
    worker.child.kill("SIGTERM");
    expect(await worker.exit()).toBe(0);
    expect(count(worker.output(), /database unreachable/)).toBe(1);
    expect(worker.output()).toMatch(/stopped/);
    expect(worker.output()).not.toMatch(/worker failed to start/);
  }, 90_000);
});
