import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checksum, checksumMatches, readMigrations } from "../../lib/migrate";

describe("migration checksums (as prisma migrate records them)", () => {
  it("is the sha256 hex of the migration.sql text", () => {
    const sql = "CREATE TABLE a (id int);\n";
    expect(checksum(sql)).toBe(createHash("sha256").update(sql).digest("hex"));
  });

  it("matches across LF and CRLF line endings, but not after an edit", () => {
    const lf = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n";
    const crlf = lf.replace(/\n/g, "\r\n");
    expect(checksumMatches(crlf, checksum(lf))).toBe(true);
    expect(checksumMatches(lf, checksum(crlf))).toBe(true);
    expect(checksumMatches(lf + "-- edited\n", checksum(lf))).toBe(false);
  });

  it("reads migration folders in name order and ignores loose files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mig-"));
    for (const name of ["20250102_b", "20250101_a"]) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, "migration.sql"), `-- ${name}\n`);
    }
    fs.writeFileSync(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
    fs.mkdirSync(path.join(dir, "empty"));
    expect(readMigrations(dir).map((m) => m.name)).toEqual(["20250101_a", "20250102_b"]);
    fs.rmSync(dir, { recursive: true });
  });

  it("has the committed migrations in Prisma's layout", () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) expect(m.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect(fs.readFileSync(path.resolve("prisma/migrations/migration_lock.toml"), "utf8")).toMatch(/provider = "postgresql"/);
  });
});
