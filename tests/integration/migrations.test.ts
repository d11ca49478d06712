import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../lib/db";
import { checksum, migrate, MIGRATIONS_DIR, MigrationError, readMigrations } from "../../lib/migrate";
import { createDatabase } from "../helpers/database";
import { readDmmf, schemaDifferences } from "../helpers/schema";

const admin = () => process.env.TEST_ADMIN_URL!;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function freshDb() {
  const db = await createDatabase(admin(), "vs_mig");
  cleanups.push(db.drop);
  return db.url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-migrations-"));
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe("migrations", () => {
  let url: string;
  beforeAll(async () => {
    url = await freshDb();
  });

  it("apply to an empty database and are recorded like `prisma migrate deploy`", async () => {
    const result = await migrate(url);
    const files = readMigrations();
    expect(result.applied).toEqual(files.map((f) => f.name));
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number; id: string }>(
      url,
      `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, r] of rows.entries()) {
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, r.migration_name, "migration.sql"), "utf8");
      expect(r.checksum).toBe(checksum(sql));
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.applied_steps_count).toBe(1);
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(files[i]?.name).toBe(r.migration_name);
    }
  });

  it("leave a database that matches schema.prisma exactly", async () => {
    expect(await schemaDifferences(url)).toEqual([]);
  });

  it("are idempotent", async () => {
    expect((await migrate(url)).applied).toEqual([]);
  });

  it("the schema comparison notices a drifted database", async () => {
    const drifted = await freshDb();
    await migrate(drifted);
    await query(drifted, `ALTER TABLE "Experiment" DROP COLUMN "status"; ALTER TABLE "Job" ADD COLUMN "extra" int; DROP INDEX "Experiment_name_key"`);
    const diffs = await schemaDifferences(drifted);
    expect(diffs).toContain("Experiment.status is missing");
    expect(diffs).toContain("Job.extra is not in schema.prisma");
    expect(diffs.some((d) => d.startsWith("index Experiment:unique:name"))).toBe(true);
  });

  it("refuse to run when an applied migration was edited afterwards", async () => {
    const dir = copyMigrations();
    const target = await freshDb();
    await migrate(target, { dir });
    const first = readMigrations(dir)[0]!;
    fs.appendFileSync(path.join(dir, first.name, "migration.sql"), "\n-- edited later\n");
    await expect(migrate(target, { dir })).rejects.toThrow(MigrationError);
    await expect(migrate(target, { dir })).rejects.toThrow(/was edited after it was applied/);
    fs.rmSync(dir, { recursive: true });
  });

  it("roll back a failing migration completely and say which one failed", async () => {
    const dir = copyMigrations();
    const target = await freshDb();
    await migrate(target, { dir });
    fs.mkdirSync(path.join(dir, "29990101000000_broken"));
    fs.writeFileSync(
      path.join(dir, "29990101000000_broken", "migration.sql"),
      `CREATE TABLE "Half" ("id" INTEGER);\nSELECT no_such_function();\n`,
    );
    await expect(migrate(target, { dir })).rejects.toThrow(/29990101000000_broken failed and was rolled back/);
    expect(await query(target, `SELECT 1 FROM pg_tables WHERE tablename = 'Half'`)).toEqual([]);
    expect(await query(target, `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it("refuse a database that prisma recorded as failed, with the resolve command", async () => {
    const target = await freshDb();
    await migrate(target);
    await query(target, `UPDATE "_prisma_migrations" SET finished_at = NULL`);
    await expect(migrate(target)).rejects.toThrow(/prisma migrate resolve/);
  });
});

describe("every model and field of schema.prisma through Prisma Client", () => {
  it("writes and reads back each scalar field of each model", async () => {
    const prisma = createPrisma(process.env.DATABASE_URL!);
    const dm = readDmmf();
    const created = new Map<string, Record<string, unknown>>();
    const pending = [...dm.models];
    try {
      while (pending.length > 0) {
        const model = pending.find((m) =>
          m.fields.every((f) => f.kind !== "object" || !f.relationFromFields?.length || created.has(f.type)),
        );
        if (!model) throw new Error("relation cycle in schema");
        pending.splice(pending.indexOf(model), 1);
        const fkTarget = new Map<string, string>();
        for (const f of model.fields) {
          if (f.kind === "object" && f.relationFromFields?.length) fkTarget.set(f.relationFromFields[0]!, f.type);
        }
        const data: Record<string, unknown> = {};
        for (const f of model.fields) {
          if (f.kind === "object" || f.isUpdatedAt) continue;
          const parent = fkTarget.get(f.name);
          if (parent) data[f.name] = created.get(parent)!.id;
          else if (f.kind === "enum") data[f.name] = dm.enums.find((e) => e.name === f.type)!.values.at(-1)!.name;
          else if (f.nativeType?.[0] === "Uuid" || (f.isId && f.type === "String")) data[f.name] = randomUUID();
          else if (f.type === "String") data[f.name] = `${model.name}.${f.name}-${randomUUID().slice(0, 8)}`;
          else if (f.type === "Int") data[f.name] = 7;
          else if (f.type === "BigInt") data[f.name] = f.isId ? undefined : 9_007_199_254_740_993n;
          else if (f.type === "Float") data[f.name] = 1.25;
          else if (f.type === "Boolean") data[f.name] = !f.hasDefaultValue || true;
          else if (f.type === "DateTime") data[f.name] = new Date("2026-01-02T03:04:05.678Z");
          else if (f.type === "Json") data[f.name] = { field: f.name, list: [1, 2] };
          else throw new Error(`unhandled type ${f.type}`);
        }
        const delegate = (prisma as unknown as Record<string, { create: (a: unknown) => Promise<Record<string, unknown>> }>)[
          model.name[0]!.toLowerCase() + model.name.slice(1)
        ]!;
        const row = await delegate.create({ data });
        for (const [k, v] of Object.entries(data)) {
          if (v === undefined) continue;
          expect(row[k], `${model.name}.${k}`).toEqual(v);
        }
        created.set(model.name, row);
      }
      expect([...created.keys()].sort()).toEqual(
        ["Activity", "ApiToken", "AudioFile", "Conversion", "ConversionBatch", "DatasetSlice", "Experiment", "IdempotencyKey", "Job", "JobEvent", "ListeningTest", "Session", "StudioInstance", "User", "VoiceModel", "WebhookDelivery", "WebhookEndpoint", "Worker"].sort(),
      );
    } finally {
      // the rows live in the shared test database: remove them (children first) so other tests never list them
      for (const [name, row] of [...created].reverse()) {
        const delegate = (prisma as unknown as Record<string, { deleteMany: (a: unknown) => Promise<unknown> }>)[name[0]!.toLowerCase() + name.slice(1)]!;
        await delegate.deleteMany({ where: { id: row.id } });
      }
      await prisma.$disconnect();
    }
  });
});
