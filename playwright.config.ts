import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// One DATA_ROOT for the server and the tests (workers inherit the variable from the main process).
process.env.E2E_DATA_ROOT ??= fs.mkdtempSync(path.join(os.tmpdir(), "vs-e2e-"));

const port = Number(process.env.E2E_PORT ?? 3211);
const baseURL = `http://127.0.0.1:${port}`;
/** the admin's session, saved by the onboarding test (tests/e2e/onboarding.setup.ts) for every other test */
export const ADMIN_STATE = path.join(process.env.E2E_DATA_ROOT, "admin-state.json");

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium (apt-get install chromium); Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    // first run: the app asks for the admin account; this test creates it through the UI and saves the session
    { name: "onboarding", testMatch: /onboarding\.setup\.ts$/ },
    {
      name: "app",
      testMatch: /\.spec\.ts$/,
      dependencies: ["onboarding"],
      // API calls of the tests (the request fixture) come from "our own page" like the browser's do
      use: { storageState: ADMIN_STATE, extraHTTPHeaders: { origin: baseURL } },
    },
  ],
  webServer: {
    // the real launcher (web + worker) on a fresh database that is dropped afterwards
    command: "node --import tsx tests/e2e/server.ts",
    url: `http://127.0.0.1:${port}/api/health`,
    env: { E2E_PORT: String(port), E2E_DATA_ROOT: process.env.E2E_DATA_ROOT },
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
  },
});
