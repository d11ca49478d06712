/**
 * Applies prisma/migrations/* at start-up, recording them in `_prisma_migrations` exactly as
 * `prisma migrate deploy` does (same table, sha256 checksums, advisory lock), so either tool
 * can take over a database. Each migration runs in one transaction: a failure leaves nothing.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/** The lock id prisma's migration engine takes, so our migrator and prisma never run at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname ?? process.cwd(), "..", "prisma", "migrations");

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function checksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Like prisma, accept the checksum of the same script with the other line-ending convention. */
export function checksumMatches(sql: string, recorded: string): boolean {
  const variants = [sql, sql.replace(/\r\n/g, "\n"), sql.replace(/\r?\n/g, "\r\n")];
  return variants.some((v) => checksum(v) === recorded);
}

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  if (!fs.existsSync(dir)) throw new MigrationError(`Migrations folder not found: ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksum(sql) };
    });
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function migrate(
  databaseUrl: string,
  opts: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const files = readMigrations(opts.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const rows = (
      await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
      )
    ).rows.filter((r) => r.rolled_back_at === null);

    const failed = rows.find((r) => r.finished_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and is marked unfinished in _prisma_migrations; ` +
          `fix the database, then mark it with \`prisma migrate resolve --applied|--rolled-back ${failed.migration_name}\``,
      );
    }
    const byName = new Map(files.map((f) => [f.name, f]));
    for (const row of rows) {
      const file = byName.get(row.migration_name);
      if (!file) {
        throw new MigrationError(
          `Migration ${row.migration_name} is applied in the database but missing from ${opts.dir ?? MIGRATIONS_DIR}; ` +
            `this code is older than the database`,
        );
      }
      if (!checksumMatches(file.sql, row.checksum)) {
        throw new MigrationError(
          `Migration ${row.migration_name} was edited after it was applied (checksum differs); ` +
            `restore its migration.sql and put the change in a new migration`,
        );
      }
    }
    const done = new Set(rows.map((r) => r.migration_name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file.name)) continue;
      log(`applying migration ${file.name}`);
      try {
        await client.query("BEGIN");
        const id = randomUUID();
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 0)`,
          [id, file.checksum, file.name],
        );
        await client.query(file.sql);
        await client.query(
          `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
          [id],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${(err as Error).message}`);
      }
      applied.push(file.name);
    }
    return { applied, alreadyApplied: [...done] };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => {});
    await client.end();
  }
}
