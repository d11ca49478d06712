/**
 * The production web server as `npm start` runs it (scripts/launcher/web-server.ts: Next's handler on the production
 * build) on a free port, against the test database and DATA_ROOT.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../../scripts/launcher/embedded-db";
import { ROOT, until } from "./process";

export interface Web {
  url: string;
  port: number;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export async function startWeb(env: Record<string, string> = {}, port?: number): Promise<Web> {
  if (!fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("no production build: run `npx next build` first");
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "launcher", "web-server.ts"), String(p), "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const url = `http://127.0.0.1:${p}`;
  try {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`the web server exited: ${out}`);
      return (await fetch(`${url}/api/uploads`, { method: "OPTIONS" })).status < 500;
    }, 60_000, `the web server on ${url}\n${out}`);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return {
    url,
    port: p,
    output: () => out,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await closed;
    },
  };
}
