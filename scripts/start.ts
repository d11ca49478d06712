/**
 * The launcher (`npm start`, `npm run dev`): database (embedded or DATABASE_URL) → migrations →
 * web (Next) + worker, with prefixed logs; Ctrl-C stops everything; any part that cannot start
 * ends it with a clear message and a non-zero exit code.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { config, ConfigError } from "../lib/config";
import { migrate } from "../lib/migrate";
import { seedFirstAdmin } from "../lib/auth/seed";
import { paths } from "../lib/paths";
import { setupQueues } from "../lib/queue";
import { startEmbeddedDb, type EmbeddedDb } from "./launcher/embedded-db";
import { exited, portIsFree, prefixed, startChild, terminate } from "./launcher/processes";
import type { ChildProcess } from "node:child_process";

const dev = process.argv.includes("--dev");
const say = prefixed("[studio]");
const ROOT = path.resolve(import.meta.dirname, "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const TSX_BIN = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

class StartError extends Error {}

async function checkDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    const u = new URL(url);
    throw new StartError(`database unreachable at ${u.hostname}:${u.port || 5432}${u.pathname}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** One launcher per DATA_ROOT when it owns the embedded database. */
function takeLock(file: string): () => void {
  try {
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    if (pid && pid !== process.pid) {
      process.kill(pid, 0);
      throw new StartError(`another Voice Studio (pid ${pid}) is running with DATA_ROOT ${path.dirname(file)}; stop it first`);
    }
  } catch (err) {
    if (err instanceof StartError) throw err;
  }
  fs.writeFileSync(file, String(process.pid));
  return () => fs.rmSync(file, { force: true });
}

async function buildIfNeeded(env: NodeJS.ProcessEnv): Promise<void> {
  if (dev || fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"))) return;
  say("no production build found: running `next build` (once; takes a minute or two)");
  const code = await exited(startChild("build", process.execPath, [NEXT_BIN, "build"], env));
  if (code !== 0) throw new StartError(`next build failed (exit ${code})`);
}

async function main(): Promise<number> {
  const cfg = config();
  let embedded: EmbeddedDb | undefined;
  const children: ChildProcess[] = [];
  let stopping = false;

  let releaseLock = () => {};
  const stopAll = async () => {
    stopping = true;
    await Promise.all(children.map((c) => terminate(c, 30_000)));
    if (embedded) {
      say("stopping embedded Postgres");
      await embedded.stop().catch((err) => say(`embedded Postgres stop: ${(err as Error).message}`));
    }
    releaseLock();
  };
  const interrupted = new Promise<number>((resolve) => {
    const onSignal = (sig: string) => {
      if (stopping) return;
      say(`${sig}: shutting down`);
      void stopAll().then(() => resolve(0));
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
  });

  try {
    if (!(await portIsFree(cfg.port, cfg.host))) {
      throw new StartError(`port ${cfg.port} on ${cfg.host} is already in use; stop what uses it or set PORT`);
    }
    let databaseUrl = cfg.databaseUrl;
    if (databaseUrl) {
      say("using the database from DATABASE_URL");
      await checkDatabase(databaseUrl);
    } else {
      say(`DATABASE_URL is not set: starting embedded Postgres in ${paths().postgresDir()}`);
      fs.mkdirSync(cfg.dataRoot, { recursive: true });
      releaseLock = takeLock(path.join(cfg.dataRoot, "launcher.pid"));
      embedded = await startEmbeddedDb({
        dataDir: paths().postgresDir(),
        secretFile: paths().postgresSecretFile(),
        port: cfg.embeddedPgPort,
        log: prefixed("[db]"),
      });
      databaseUrl = embedded.url;
      say(`embedded Postgres ready on 127.0.0.1:${embedded.port}`);
    }
    const result = await migrate(databaseUrl, { log: say });
    say(`database schema up to date (${result.applied.length} migration(s) applied now)`);
    await setupQueues(databaseUrl);
    const seeded = await seedFirstAdmin(databaseUrl, { host: cfg.host, studioPassword: cfg.studioPassword });
    if (seeded === "seeded") say('created the admin account "admin" with the password from STUDIO_PASSWORD');
    if (seeded === "setup_pending") say("no account yet: the first visit asks to create the admin account");
    if (seeded === "refused") {
      say(`no account exists and HOST=${cfg.host} is not loopback: set STUDIO_PASSWORD (seeds the admin "admin") or run \`npm run user -- create --admin NAME\` first`);
      await stopAll();
      return 2;
    }

    const env = { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" };
    await buildIfNeeded(env);
    if (stopping) return await interrupted;

    const webArgs = dev ? ["dev"] : ["start"];
    const web = startChild("web", process.execPath, [NEXT_BIN, ...webArgs, "-p", String(cfg.port), "-H", cfg.host], env);
    const workerMain = path.join(ROOT, "worker", "main.ts");
    const workerArgs = dev ? [TSX_BIN, "watch", "--clear-screen=false", workerMain] : ["--import", "tsx", workerMain];
    const worker = startChild("worker", process.execPath, workerArgs, env);
    children.push(web, worker);
    say(`Voice Studio: http://${cfg.host === "::1" ? "[::1]" : cfg.host}:${cfg.port}`);

    const crashed = Promise.race(
      children.map((c, i) => exited(c).then((code) => ({ name: i === 0 ? "web" : "worker", code }))),
    ).then(async ({ name, code }) => {
      if (stopping) return interrupted; // a child we are stopping: the signal path finishes
      say(`${name} exited unexpectedly (code ${code}); stopping everything`);
      await stopAll();
      return 1;
    });
    return await Promise.race([interrupted, crashed]);
  } catch (err) {
    say(`cannot start: ${(err as Error).message}`);
    await stopAll();
    return 1;
  }
}

try {
  config();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
main().then((code) => process.exit(code));
