/**
 * The launcher (`npm start`, `npm run dev`): database (embedded or DATABASE_URL) → migrations →
 * web (Next) + worker, with prefixed logs; Ctrl-C stops everything; any part that cannot start
 * ends it with a clear message and a non-zero exit code. Once running, a part that dies (worker,
 * web, embedded Postgres) is restarted with back-off (launcher/supervisor.ts); a crash loop ends it
 * all with exit code 1.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { config, ConfigError } from "../lib/config";
import { migrate } from "../lib/migrate";
import { claimDataRoot, DataRootMismatch, MARKER_FILE } from "../lib/data-root";
import { createPrisma } from "../lib/db";
import { seedFirstAdmin } from "../lib/auth/seed";
import { paths } from "../lib/paths";
import { setupQueues } from "../lib/queue";
import { startEmbeddedDb, type EmbeddedDb } from "./launcher/embedded-db";
import { childInstance, exited, portIsFree, prefixed, startChild } from "./launcher/processes";
import { Supervisor, type Instance } from "./launcher/supervisor";
import { describePythonChoice, noTorchMessage, pythonChoice } from "../lib/python";

const dev = process.argv.includes("--dev");
const say = prefixed("[studio]");
const ROOT = path.resolve(import.meta.dirname, "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const TSX_BIN = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const WEB_SERVER = path.join(ROOT, "scripts", "launcher", "web-server.ts");

class StartError extends Error {}

/** The database and DATA_ROOT belong together (lib/data-root.ts): recorded on the first start, checked after. */
async function recordDataRoot(url: string, dataRoot: string): Promise<void> {
  const prisma = createPrisma(url, 1);
  try {
    const { id, created } = await claimDataRoot(prisma, dataRoot);
    if (created) say(`DATA_ROOT ${dataRoot} marked as this database's data folder (${MARKER_FILE} ${id.slice(0, 8)}…)`);
  } catch (err) {
    if (err instanceof DataRootMismatch) throw new StartError(err.message);
    throw err;
  } finally {
    await prisma.$disconnect();
  }
}

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
  let db: Supervisor | undefined;
  const apps: Supervisor[] = [];
  let stopping = false;
  let giveUp!: (reason: string) => void;
  const gaveUp = new Promise<string>((resolve) => (giveUp = resolve));
  const supervise = (name: string, launch: () => Promise<Instance>) => new Supervisor(name, launch, { log: say, onGiveUp: giveUp });

  let releaseLock = () => {};
  const stopAll = async () => {
    stopping = true;
    await Promise.all(apps.map((s) => s.stop()));
    if (db) {
      say("stopping embedded Postgres");
      await db.stop().catch((err) => say(`embedded Postgres stop: ${(err as Error).message}`));
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
  const crashLoop = gaveUp.then(async (reason) => {
    if (stopping) return interrupted;
    say(`giving up: ${reason}; stopping everything`);
    await stopAll();
    return 1;
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
      // A restart keeps the port (and so the URL that web and worker hold) of the first start.
      let port = cfg.embeddedPgPort;
      db = supervise("embedded Postgres", async () => {
        const embedded: EmbeddedDb = await startEmbeddedDb({
          dataDir: paths().postgresDir(),
          secretFile: paths().postgresSecretFile(),
          port,
          log: prefixed("[db]"),
        });
        port = embedded.port;
        databaseUrl = embedded.url;
        return embedded;
      });
      await db.start();
      say(`embedded Postgres ready on 127.0.0.1:${port}`);
    }
    const url = databaseUrl!;
    const result = await migrate(url, { log: say });
    say(`database schema up to date (${result.applied.length} migration(s) applied now)`);
    await setupQueues(url);
    await recordDataRoot(url, cfg.dataRoot);
    const seeded = await seedFirstAdmin(url, { host: cfg.host, studioPassword: cfg.studioPassword });
    if (seeded === "seeded") say('created the admin account "admin" with the password from STUDIO_PASSWORD');
    if (seeded === "setup_pending") say("no account yet: the first visit asks to create the admin account");
    if (seeded === "refused") {
      say(`no account exists and HOST=${cfg.host} is not loopback: set STUDIO_PASSWORD (seeds the admin "admin") or run \`npm run user -- create --admin NAME\` first`);
      await stopAll();
      return 2;
    }

    const env = { ...process.env, DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: "1" };
    // once, at start-up: which Python trains, and what will not work without PyTorch (probed while the rest starts)
    void pythonChoice().then(
      (py) => say(py.torch ? `Python for training: ${describePythonChoice(py)}` : noTorchMessage(py)),
      (err) => say(`could not check for Python: ${(err as Error).message}`),
    );
    await buildIfNeeded(env);
    if (stopping) return await interrupted;

    // production: our server around Next's handler (the client's address from the socket: launcher/web-server.ts)
    const webArgs = dev ? [NEXT_BIN, "dev", "-p", String(cfg.port), "-H", cfg.host] : ["--import", "tsx", WEB_SERVER, String(cfg.port), cfg.host];
    const workerMain = path.join(ROOT, "worker", "main.ts");
    const workerArgs = dev ? [TSX_BIN, "watch", "--clear-screen=false", workerMain] : ["--import", "tsx", workerMain];
    const webEnv: NodeJS.ProcessEnv = dev ? env : { ...env, NODE_ENV: "production" as const }; // what `next start` sets for itself
    apps.push(supervise("web", async () => childInstance("web", process.execPath, webArgs, webEnv, 30_000)));
    if (cfg.startWorker) apps.push(supervise("worker", async () => childInstance("worker", process.execPath, workerArgs, env, 30_000)));
    else say("START_WORKER=0: no worker here; jobs wait for one started elsewhere (npm run worker)");
    await Promise.all(apps.map((s) => s.start()));
    say(`Voice Studio: http://${cfg.host === "::1" ? "[::1]" : cfg.host}:${cfg.port}`);
    return await Promise.race([interrupted, crashLoop]);
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
