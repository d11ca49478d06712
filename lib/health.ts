/** GET /api/health and the System page: database, queue, live workers, assets, disk. */
import fs from "node:fs/promises";
import { db } from "./db";
import { config } from "./config";
import { assetStatus } from "./assets";
import { liveWorkers } from "./workers";
import { QUEUES } from "./queue";

async function disk(dir: string) {
  try {
    await fs.mkdir(dir, { recursive: true });
    const s = await fs.statfs(dir);
    return { path: dir, free: s.bavail * s.bsize, total: s.blocks * s.bsize };
  } catch (err) {
    return { path: dir, free: null, total: null, error: (err as Error).message };
  }
}

async function queueStatus() {
  try {
    const rows = await db().$queryRaw<{ name: string; state: string; n: bigint }[]>`
      SELECT name, state::text AS state, count(*) AS n FROM pgboss.job GROUP BY name, state`;
    const version = await db().$queryRaw<{ version: number }[]>`SELECT version FROM pgboss.version`;
    const queues = Object.fromEntries(QUEUES.map((q) => [q, {} as Record<string, number>]));
    for (const r of rows) if (queues[r.name]) queues[r.name]![r.state] = Number(r.n);
    return { ok: true, schemaVersion: version[0]?.version ?? null, queues };
  } catch (err) {
    return { ok: false, error: `pg-boss is not installed or not reachable: ${(err as Error).message}` };
  }
}

export async function health() {
  const cfg = config();
  let dbOk = false;
  let dbError: string | undefined;
  try {
    await db().$queryRaw`SELECT 1`;
    dbOk = true;
  } catch (err) {
    dbError = (err as Error).message;
  }
  const [queue, workers, diskInfo] = await Promise.all([
    dbOk ? queueStatus() : Promise.resolve({ ok: false, error: "database down" }),
    dbOk ? liveWorkers() : Promise.resolve([]),
    disk(cfg.dataRoot),
  ]);
  const assets = assetStatus();
  return {
    status: dbOk ? 200 : 503,
    body: {
      ok: dbOk && queue.ok,
      db: dbOk ? { ok: true } : { ok: false, error: dbError },
      queue,
      workers,
      assets: {
        hubert: assets.hubert.present,
        rmvpe: assets.rmvpe.present,
        pretrained: assets.pretrained.files.filter((f) => f.present).map((f) => f.name),
        detail: assets,
      },
      disk: diskInfo,
      time: new Date().toISOString(),
    },
  };
}
