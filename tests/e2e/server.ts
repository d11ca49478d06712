/** Playwright's web server: the launcher on a fresh database and DATA_ROOT, both removed at exit. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, testServer } from "../helpers/database";
import { ROOT } from "../helpers/process";
import { mdxModels } from "../helpers/mdx-models";
import { tinyModels } from "../helpers/tiny-models";

const server = await testServer();
const db = await createDatabase(server.adminUrl, "vs_e2e");
const dataRoot = process.env.E2E_DATA_ROOT ?? fs.mkdtempSync(path.join(os.tmpdir(), "vs-e2e-"));
fs.mkdirSync(dataRoot, { recursive: true });
// the tiny ONNX stand-ins play the content and pitch models, so extract and train run end to end
const models = tinyModels();
// the MDX-shaped band-zeroing stand-in plays the vocal separation model ("isolate vocals", issue 19)
const mdx = mdxModels();
const modelEnv = {
  ...(models.ok ? { HUBERT_PATH: models.content768, RMVPE_PATH: models.rmvpe } : {}),
  ...(mdx.ok ? { SEPARATION_MODEL_PATH: mdx.band, SEPARATION_MODEL_PARAMS: JSON.stringify(mdx.params) } : {}),
};
const app = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: db.url, DATA_ROOT: dataRoot, PORT: process.env.E2E_PORT ?? "3211", WORKER_HEARTBEAT_SECONDS: "2", PYTHON: process.env.PYTHON ?? "/usr/bin/python3", ...modelEnv },
});

let stopping = false;
async function cleanup(code: number) {
  await db.drop().catch((e) => console.error(`drop ${db.name}: ${e.message}`));
  await server.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
  if (mdx.ok) fs.rmSync(mdx.dir, { recursive: true, force: true });
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
