import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/launcher/embedded-db";
import { startTs, until, launcherDataRoot } from "../helpers/process";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const d = launcherDataRoot("vs-launch-");
  dirs.push(d);
  return d;
}

function envWithout(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  return env;
}

describe("launcher (npm start)", () => {
  it("with no DATABASE_URL starts embedded Postgres, migrates, serves /api/health with a live worker, and stops it all on SIGINT", async () => {
    const root = tempRoot();
    const port = await freePort();
    // STUDIO_PASSWORD seeds the admin "admin"; the full health report is for admins
    const app = startTs("scripts/start.ts", envWithout({ DATA_ROOT: root, PORT: String(port), STUDIO_PASSWORD: "launcher-secret" }));
    try {
      const cookie = await until(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "admin", password: "launcher-secret" }),
        }).catch(() => null);
        return res?.status === 200 ? res.headers.get("set-cookie")!.split(";")[0]! : null;
      }, 240_000, "log in as the seeded admin");
      expect(app.output()).toMatch(/created the admin account "admin"/);
      const health = await until(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { cookie } });
        const body = (await res.json()) as { ok: boolean; workers: unknown[] };
        return res.status === 200 && body.workers.length > 0 ? body : null;
      }, 240_000, "health with a live worker");
      expect(health.ok).toBe(true);
      expect(app.output()).toMatch(/starting embedded Postgres/);
      expect(fs.existsSync(path.join(root, "postgres", "PG_VERSION"))).toBe(true);
      expect(fs.existsSync(path.join(root, "postgres", "postmaster.pid"))).toBe(true);

      app.child.kill("SIGINT");
      expect(await app.exit()).toBe(0);
      expect(app.output()).toMatch(/\[worker\] stopped/);
      expect(app.output()).toMatch(/stopping embedded Postgres/);
      // Postgres removes its pid file once it has shut down
      expect(fs.existsSync(path.join(root, "postgres", "postmaster.pid"))).toBe(false);
      expect(fs.existsSync(path.join(root, "launcher.pid"))).toBe(false);
    } finally {
      if (app.child.exitCode === null) app.child.kill("SIGKILL");
    }
  }, 300_000);

  it("refuses a bad configuration value with one clear line and exit code 2", async () => {
    const app = startTs("scripts/start.ts", envWithout({ DATA_ROOT: tempRoot(), PORT: "http" }));
    expect(await app.exit()).toBe(2);
    expect(app.output().trim()).toBe('Invalid configuration: PORT must be a whole number from 1 to 65535 (got "http")');
  });

  it("says so when the port is taken", async () => {
    const srv = net.createServer();
    const port = await new Promise<number>((r) => srv.listen(0, "127.0.0.1", () => r((srv.address() as net.AddressInfo).port)));
    try {
      const app = startTs("scripts/start.ts", envWithout({ DATA_ROOT: tempRoot(), PORT: String(port) }));
      expect(await app.exit()).toBe(1);
      expect(app.output()).toMatch(new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    } finally {
      srv.close();
    }
  });

  it("says so when DATABASE_URL points at no server", async () => {
    const dead = await freePort();
    const app = startTs("scripts/start.ts", {
      ...process.env,
      DATA_ROOT: tempRoot(),
      PORT: String(await freePort()),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${dead}/nothing`,
    });
    expect(await app.exit()).toBe(1);
    expect(app.output()).toMatch(new RegExp(`cannot start: database unreachable at 127.0.0.1:${dead}/nothing`));
  });
});
