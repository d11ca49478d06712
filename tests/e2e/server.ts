/** Playwright's web server: the launcher on a fresh database and DATA_ROOT, both removed at exit. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, testServer } from "../helpers/database";
import { ROOT } from "../helpers/process";

const server = await testServer();
const db = await createDatabase(server.adminUrl, "vs_e2e");
const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), "vs-e2e-"));
const app = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: db.url, DATA_ROOT: dataRoot, PORT: process.env.E2E_PORT ?? "3211", WORKER_HEARTBEAT_SECONDS: "2" },
});

let stopping = false;
async function cleanup(code: number) {
  await db.drop().catch((e) => console.error(`drop ${db.name}: ${e.message}`));
  await server.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
  process.exit(code);
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    app.kill("SIGTERM");
  });
}
app.on("close", (code) => void cleanup(stopping ? 0 : (code ?? 1)));
