/**
 * Test databases: each run creates its own database on the server named by DATABASE_URL
 * (default: the local Postgres at 127.0.0.1:5432) and drops it afterwards. Where no server
 * answers, an embedded Postgres in a temp dir stands in, so the suite runs on any machine.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDb, type EmbeddedDb } from "../../scripts/launcher/embedded-db";

const DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres";

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export interface TestServer {
  /** URL of a database on the server used to create and drop test databases */
  adminUrl: string;
  stop: () => Promise<void>;
}

export async function testServer(): Promise<TestServer> {
  const url = process.env.DATABASE_URL || DEFAULT_SERVER;
  if (await reachable(url)) return { adminUrl: url, stop: async () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-test-pg-"));
  fs.chmodSync(dir, 0o755);
  console.warn(`[tests] no Postgres at ${new URL(url).host}: starting embedded Postgres in ${dir}`);
  const db: EmbeddedDb = await startEmbeddedDb({
    dataDir: path.join(dir, "pg"),
    secretFile: path.join(dir, "secret"),
    port: 0,
    log: () => {},
  });
  return {
    adminUrl: db.url,
    stop: async () => {
      await db.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createDatabase(adminUrl: string, prefix = "vs_test"): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
