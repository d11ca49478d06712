/**
 * Compares a live database with prisma/schema.prisma, the way `prisma migrate diff` would:
 * tables, columns (type, nullability, default), enums, primary keys, unique and plain indexes,
 * foreign keys with their delete rule. Uses Prisma's own schema parser (wasm) for the DMMF.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf: (params: string) => string };

interface DmmfField {
  name: string;
  kind: "scalar" | "object" | "enum";
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType: [string, string[]] | null;
  default?: { name: string } | string | number | boolean;
  relationFromFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal";
  fields: { name: string }[];
}

export function readDmmf(schemaPath = path.resolve("prisma/schema.prisma")) {
  const schema = fs.readFileSync(schemaPath, "utf8");
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as {
    datamodel: { models: DmmfModel[]; enums: { name: string; values: { name: string }[] }[]; indexes: DmmfIndex[] };
  };
  return dmmf.datamodel;
}

function expectedType(f: DmmfField): string {
  if (f.kind === "enum") return f.type;
  if (f.nativeType?.[0] === "Uuid") return "uuid";
  const map: Record<string, string> = {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    Float: "double precision",
    Boolean: "boolean",
    DateTime: "timestamp(3) without time zone",
    Json: "jsonb",
  };
  const t = map[f.type];
  if (!t) throw new Error(`no mapping for ${f.type}`);
  return t;
}

/** Default values that live in the database (uuid() and @updatedAt are filled in by the client). */
function expectsDbDefault(f: DmmfField): boolean {
  if (!f.hasDefaultValue || f.isUpdatedAt) return false;
  const d = f.default;
  return !(typeof d === "object" && d !== null && (d.name === "uuid" || d.name === "cuid"));
}

export async function schemaDifferences(databaseUrl: string): Promise<string[]> {
  const dm = readDmmf();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const diffs: string[] = [];
  try {
    const cols = (
      await client.query<{ table_name: string; column_name: string; type: string; nullable: boolean; has_default: boolean }>(`
        SELECT c.relname::text AS table_name, a.attname::text AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
               NOT a.attnotnull AS nullable, a.atthasdef AS has_default
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`)
    ).rows;
    const tables = new Set(cols.map((c) => c.table_name));
    tables.delete("_prisma_migrations");
    const modelNames = new Set(dm.models.map((m) => m.name));
    for (const t of tables) if (!modelNames.has(t)) diffs.push(`table ${t} is not in schema.prisma`);

    for (const model of dm.models) {
      if (!tables.has(model.name)) {
        diffs.push(`table ${model.name} is missing`);
        continue;
      }
      const dbCols = new Map(cols.filter((c) => c.table_name === model.name).map((c) => [c.column_name, c]));
      const scalar = model.fields.filter((f) => f.kind !== "object");
      for (const f of scalar) {
        const c = dbCols.get(f.name);
        if (!c) {
          diffs.push(`${model.name}.${f.name} is missing`);
          continue;
        }
        const type = c.type.replace(/^"|"$/g, "");
        // BIGSERIAL shows as bigint with a sequence default
        if (type !== expectedType(f)) diffs.push(`${model.name}.${f.name} is ${type}, schema says ${expectedType(f)}`);
        if (c.nullable !== !f.isRequired) diffs.push(`${model.name}.${f.name} nullable=${c.nullable}, schema says ${!f.isRequired}`);
        if (c.has_default !== expectsDbDefault(f)) diffs.push(`${model.name}.${f.name} default=${c.has_default}, schema says ${expectsDbDefault(f)}`);
      }
      for (const name of dbCols.keys()) {
        if (!scalar.some((f) => f.name === name)) diffs.push(`${model.name}.${name} is not in schema.prisma`);
      }
    }

    const enums = (
      await client.query<{ name: string; values: string[] }>(`
        SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`)
    ).rows;
    for (const e of dm.enums) {
      const found = enums.find((x) => x.name === e.name);
      const want = e.values.map((v) => v.name).join(",");
      if (!found) diffs.push(`enum ${e.name} is missing`);
      else if (found.values.join(",") !== want) diffs.push(`enum ${e.name} is (${found.values}), schema says (${want})`);
    }
    for (const e of enums) if (!dm.enums.some((x) => x.name === e.name)) diffs.push(`enum ${e.name} is not in schema.prisma`);

    const idx = (
      await client.query<{ table_name: string; index_name: string; is_unique: boolean; is_primary: boolean; columns: string[] }>(`
        SELECT t.relname::text AS table_name, i.relname::text AS index_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
               array_agg(a.attname::text ORDER BY k.ord) AS columns
        FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
        GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary`)
    ).rows;
    const key = (table: string, kind: string, columns: string[]) => `${table}:${kind}:${columns.join(",")}`;
    const have = new Set(idx.map((i) => key(i.table_name, i.is_primary ? "id" : i.is_unique ? "unique" : "normal", i.columns)));
    const want = new Set(dm.indexes.map((i) => key(i.model, i.type, i.fields.map((f) => f.name))));
    for (const k of want) if (!have.has(k)) diffs.push(`index ${k} is missing`);
    for (const k of have) if (!want.has(k)) diffs.push(`index ${k} is not in schema.prisma`);

    const fks = (
      await client.query<{ table_name: string; columns: string[]; ref: string; on_delete: string }>(`
        SELECT c.conrelid::regclass::text AS table_name, c.confrelid::regclass::text AS ref,
               array(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) AS columns,
               c.confdeltype AS on_delete
        FROM pg_constraint c WHERE c.contype = 'f'`)
    ).rows.map((r) => ({ ...r, table_name: r.table_name.replace(/"/g, ""), ref: r.ref.replace(/"/g, "") }));
    const rule: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };
    const wantFks = dm.models.flatMap((m) =>
      m.fields
        .filter((f) => f.kind === "object" && f.relationFromFields && f.relationFromFields.length > 0)
        .map((f) => ({
          k: `${m.name}(${f.relationFromFields!.join(",")})->${f.type} on delete ${f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull")}`,
        })),
    );
    const haveFks = new Set(fks.map((f) => `${f.table_name}(${f.columns.join(",")})->${f.ref} on delete ${rule[f.on_delete]}`));
    for (const { k } of wantFks) if (!haveFks.has(k)) diffs.push(`foreign key ${k} is missing`);
    if (haveFks.size !== wantFks.length) diffs.push(`database has ${haveFks.size} foreign keys, schema has ${wantFks.length}`);
  } finally {
    await client.end();
  }
  return diffs;
}
