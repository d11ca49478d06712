/**
 * Upgrading (issue 21): a database and DATA_ROOT populated by the previous release — its migrations only (up to
 * PREVIOUS_RELEASE, the release before the integrator API), rows written with that schema's columns, files where
 * that release put them — then the current migrations, as `npm start` applies them, and the current web server:
 * every row is still there and every file is still served (upload, model download, conversion output and input).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../lib/auth/password";
import { parseConfig } from "../../lib/config";
import { migrate, readMigrations } from "../../lib/migrate";
import { createPaths } from "../../lib/paths";
import { freePort } from "../../scripts/launcher/embedded-db";
import { createDatabase, testServer, type TestServer } from "../helpers/database";
import { ROOT, startTs, type Proc } from "../helpers/process";

/** the last migration of the previous release */
const PREVIOUS_RELEASE = "20261201150000_access_control";
const TABLES = ["User", "Experiment", "AudioFile", "Job", "VoiceModel", "Conversion"];

let server: TestServer;
let db: Awaited<ReturnType<typeof createDatabase>>;
let dataRoot: string;
let web: Proc | undefined;
let base: string;
const ids = { user: randomUUID(), exp: randomUUID(), file: randomUUID(), job: randomUUID(), model: randomUUID(), conv: randomUUID() };
const bytes = { upload: Buffer.from("RIFF-upload-bytes"), pth: Buffer.from("pth-bytes-of-the-model"), out: Buffer.from("converted-output"), input: Buffer.from("conversion-input") };

async function sql(text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  server = await testServer();
  db = await createDatabase(server.adminUrl, "vs_upgrade");
  dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-upgrade-"));

  // the previous release's schema: its migrations only
  const all = readMigrations();
  const cut = all.findIndex((m) => m.name === PREVIOUS_RELEASE);
  expect(cut, `${PREVIOUS_RELEASE} is among the migrations`).toBeGreaterThan(0);
  const oldDir = path.join(dataRoot, "old-migrations");
  for (const m of all.slice(0, cut + 1)) fs.cpSync(path.join(ROOT, "prisma", "migrations", m.name), path.join(oldDir, m.name), { recursive: true });
  await migrate(db.url, { dir: oldDir });

  // its rows, written with its columns, and its files where it kept them
  const p = createPaths(parseConfig({ ...process.env, DATA_ROOT: dataRoot, DATABASE_URL: db.url }));
  await sql(`INSERT INTO "User" (id, name, "passwordHash", role) VALUES ($1, 'old-admin', $2, 'admin')`, [ids.user, await hashPassword("old-password")]);
  await sql(`INSERT INTO "Experiment" (id, name, status, "updatedAt", "createdById") VALUES ($1, 'legacy', 'preprocessed', now(), $2)`, [ids.exp, ids.user]);
  fs.mkdirSync(p.experimentUploads("legacy"), { recursive: true });
  fs.writeFileSync(p.uploadFile("legacy", "a1.wav"), bytes.upload);
  await sql(
    `INSERT INTO "AudioFile" (id, "experimentId", "originalName", "storedName", bytes, "durationSec", "sampleRate", channels, codec, sha256, stats, "createdById")
     VALUES ($1, $2, 'take one.wav', 'a1.wav', $3, 12.5, 44100, 1, 'pcm_s16le', $4, '{"peak":0.5,"peakDb":-6.02,"rmsDb":-20,"clippedFraction":0,"silentFraction":0.1}', $5)`,
    [ids.file, ids.exp, bytes.upload.length, "0".repeat(64), ids.user],
  );
  await sql(`INSERT INTO "Job" (id, kind, status, "experimentId", progress, "updatedAt", "finishedAt", "createdById") VALUES ($1, 'preprocess', 'succeeded', $2, 1, now(), now(), $3)`, [ids.job, ids.exp, ids.user]);
  fs.mkdirSync(p.modelDir("legacy"), { recursive: true });
  fs.writeFileSync(path.join(p.modelDir("legacy"), "legacy.pth"), bytes.pth);
  await sql(
    `INSERT INTO "VoiceModel" (id, name, "experimentId", "sampleRate", version, files, "sizeBytes", "createdById") VALUES ($1, 'legacy', $2, 40000, 'v2', $3, $4, $5)`,
    [ids.model, ids.exp, JSON.stringify([{ kind: "pth", name: "legacy.pth", bytes: bytes.pth.length }]), bytes.pth.length, ids.user],
  );
  const convDir = p.conversionDir(ids.conv);
  fs.mkdirSync(convDir, { recursive: true });
  fs.writeFileSync(path.join(convDir, "input.wav"), bytes.input);
  fs.writeFileSync(path.join(convDir, "output.wav"), bytes.out);
  await sql(
    `INSERT INTO "Conversion" (id, "modelId", "inputName", "inputPath", "outputPath", params, "finishedAt", "inputSeconds", "outputSeconds", "sampleRate", "createdById")
     VALUES ($1, $2, 'hello.wav', $3, $4, '{"pitch":0,"indexRate":0.75,"f0Method":"rmvpe","protect":0.33,"filterRadius":3,"rmsMixRate":0.25}', now(), 1.5, 1.5, 40000, $5)`,
    [ids.conv, ids.model, path.join(convDir, "input.wav"), path.join(convDir, "output.wav"), ids.user],
  );
}, 120_000);

afterAll(async () => {
  if (web && web.child.exitCode === null) {
    web.child.kill("SIGTERM");
    await web.exit();
  }
  await db?.drop();
  await server?.stop();
  if (dataRoot) fs.rmSync(dataRoot, { recursive: true, force: true });
}, 60_000);

describe("upgrade from the previous release", () => {
  it("the current migrations apply on top and keep every row", async () => {
    const before = Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, Number((await sql(`SELECT count(*) FROM "${t}"`)).rows[0].count)])));
    const result = await migrate(db.url);
    expect(result.applied.length).toBe(readMigrations().length - readMigrations().findIndex((m) => m.name === PREVIOUS_RELEASE) - 1);
    expect(result.applied.length).toBeGreaterThan(0);
    for (const t of TABLES) expect(Number((await sql(`SELECT count(*) FROM "${t}"`)).rows[0].count), t).toBe(before[t]);
  }, 60_000);

  it("the current web server serves every row and file of the old release", async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    web = startTs("scripts/launcher/web-server.ts", { ...process.env, DATABASE_URL: db.url, DATA_ROOT: dataRoot, NODE_ENV: "production", ALLOWED_HOSTS: "127.0.0.1" }, [String(port), "127.0.0.1"]);
    await web.waitFor(/ready on/, 120_000);
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ name: "old-admin", password: "old-password" }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const get = (url: string) => fetch(`${base}${url}`, { headers: { cookie } });
    const body = async (url: string) => {
      const r = await get(url);
      expect(r.status, `${url}: ${r.status}`).toBe(200);
      return Buffer.from(await r.arrayBuffer());
    };

    const exp = JSON.parse((await body("/api/experiments/legacy")).toString());
    expect(exp.files.map((f: { id: string; name: string }) => [f.id, f.name])).toEqual([[ids.file, "take one.wav"]]);
    expect(exp.jobs.map((j: { id: string }) => j.id)).toEqual([ids.job]);
    expect(exp.models.map((m: { id: string }) => m.id)).toEqual([ids.model]);
    expect((await body(`/api/experiments/legacy/files/${ids.file}/audio`)).equals(bytes.upload)).toBe(true);
    expect((await body(`/api/models/${ids.model}/download?file=pth`)).equals(bytes.pth)).toBe(true);
    const conv = JSON.parse((await body(`/api/conversions/${ids.conv}`)).toString());
    expect((conv.conversion ?? conv).status).toBe("succeeded");
    expect((await body(`/api/conversions/${ids.conv}/audio`)).equals(bytes.out)).toBe(true);
    expect((await body(`/api/conversions/${ids.conv}/input`)).equals(bytes.input)).toBe(true);
  }, 180_000);
});
