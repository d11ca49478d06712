/** GET /api/health and the System page: database, queue, live workers, assets, disk. */
import fs from "node:fs/promises";
import { db } from "./db";
import { config } from "./config";
import { assetStatus } from "./assets";
import { liveWorkers } from "./workers";
import { kindOfQueue, QUEUES } from "./queue";
import { formatBytes } from "./format";

interface DiskReport {
  dirs: string[];
  path: string;
  free: number | null;
  total: number | null;
  low: boolean;
  error?: string;
}

async function disk(dir: string, minFree: number): Promise<DiskReport & { dev: number | null }> {
  try {
    await fs.mkdir(dir, { recursive: true });
    const [s, st] = await Promise.all([fs.statfs(dir), fs.stat(dir)]);
    const free = s.bavail * s.bsize;
    return { dirs: [], dev: st.dev, path: dir, free, total: s.blocks * s.bsize, low: free < minFree };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { dirs: [], dev: null, path: dir, free: null, total: null, low: true, error: `cannot be read (${code ?? "error"})` };
  }
}

/** Each filesystem the app writes to, once (folders on the same device are listed together). */
async function disks(minFree: number): Promise<DiskReport[]> {
  const cfg = config();
  const dirs: [string, string][] = [
    ["DATA_ROOT", cfg.dataRoot],
    ["UPLOADS_DIR", cfg.uploadsDir],
    ["EXPERIMENTS_DIR", cfg.experimentsDir],
    ["MODELS_ROOT", cfg.modelsRoot],
  ];
  const out: (DiskReport & { dev: number | null })[] = [];
  for (const [name, dir] of dirs) {
    const d = await disk(dir, minFree);
    const same = d.dev !== null ? out.find((o) => o.dev === d.dev) : undefined;
    if (same) same.dirs.push(name);
    else out.push({ ...d, dirs: [name] });
  }
  return out.map(({ dev: _dev, ...d }) => d);
}

async function queueStatus() {
  try {
    const rows = await db().$queryRaw<{ name: string; state: string; n: bigint }[]>`
      SELECT name, state::text AS state, count(*) AS n FROM pgboss.job GROUP BY name, state`;
    const version = await db().$queryRaw<{ version: number }[]>`SELECT version FROM pgboss.version`;
    const queues = Object.fromEntries(QUEUES.map((q) => [q, {} as Record<string, number>]));
    // per kind: a kind's GPU queue (`train-gpu`) counts with it
    for (const r of rows) {
      const counts = queues[kindOfQueue(r.name)?.kind ?? ""];
      if (counts) counts[r.state] = (counts[r.state] ?? 0) + Number(r.n);
    }
    return { ok: true, schemaVersion: version[0]?.version ?? null, queues };
  } catch (err) {
    console.error("[health] pg-boss query failed:", err);
    return { ok: false, error: "pg-boss is not installed or not reachable (the server log has the details)" };
  }
}

/**
 * The report. `status`: "down" when the database or queue is down (HTTP 503 when the database is), "degraded" when
 * a data disk has less than MIN_FREE_BYTES free (HTTP 200: the app still answers; uploads and jobs may refuse with
 * disk_full), else "ok". `ok` stays "database and queue are up". Errors are summaries, never raw driver messages.
 */
export async function health() {
  const cfg = config();
  let dbOk = false;
  let dbError: string | undefined;
  try {
    await db().$queryRaw`SELECT 1`;
    dbOk = true;
  } catch (err) {
    console.error("[health] database check failed:", err);
    dbError = "not reachable (the server log has the details)";
  }
  const [queue, workers, diskList] = await Promise.all([
    dbOk ? queueStatus() : Promise.resolve({ ok: false, error: "database down" }),
    dbOk ? liveWorkers() : Promise.resolve([]),
    disks(cfg.minFreeBytes),
  ]);
  const assets = assetStatus();
  const problems: string[] = [];
  if (!dbOk) problems.push("the database is not reachable");
  else if (!queue.ok) problems.push("the job queue (pg-boss) is not reachable");
  for (const d of diskList) {
    if (d.error) problems.push(`the disk of ${d.dirs.join(", ")} ${d.error}`);
    else if (d.low) problems.push(`only ${formatBytes(d.free)} free on the disk of ${d.dirs.join(", ")} (MIN_FREE_BYTES is ${formatBytes(cfg.minFreeBytes)})`);
  }
  const status = !dbOk || !queue.ok ? "down" : diskList.some((d) => d.low) ? "degraded" : "ok";
  const main = diskList.find((d) => d.dirs.includes("DATA_ROOT"))!;
  return {
    status: dbOk ? 200 : 503,
    body: {
      ok: dbOk && queue.ok,
      status: status as "ok" | "degraded" | "down",
      problems,
      db: dbOk ? { ok: true } : { ok: false, error: dbError },
      queue,
      workers,
      assets: {
        hubert: assets.hubert.present,
        rmvpe: assets.rmvpe.present,
        separation: assets.separation.present,
        pretrained: assets.pretrained.files.filter((f) => f.present).map((f) => f.name),
        detail: assets,
      },
      disk: { path: main.path, free: main.free, total: main.total, low: main.low, ...(main.error ? { error: main.error } : {}) },
      disks: diskList,
      minFreeBytes: cfg.minFreeBytes,
      time: new Date().toISOString(),
    },
  };
}

let recent: { at: number; report: ReturnType<typeof health> } | undefined;

/**
 * What GET /api/health serves: one report per second at most, shared by concurrent callers. Load balancers and
 * monitors poll it; under load its five queries would otherwise queue behind the API's for a pool connection.
 */
export function recentHealth(maxAgeMs = 1000): ReturnType<typeof health> {
  const now = Date.now();
  if (!recent || now - recent.at > maxAgeMs) {
    const report = health();
    recent = { at: now, report };
    report.catch(() => {
      if (recent?.report === report) recent = undefined;
    });
  }
  return recent.report;
}
