/**
 * Screenshots of the login/setup and account/admin pages, light and dark, 1280 and 390 px wide, for a person to
 * look at (not a test). Starts the e2e server (fresh database, needs a build), fills it with a few users, tokens and
 * activity, and writes PNGs to the folder given (default /tmp/voice-studio-shots).
 *   node --import tsx scripts/screenshots.ts [outDir]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext } from "@playwright/test";

const out = path.resolve(process.argv[2] ?? "/tmp/voice-studio-shots");
const port = Number(process.env.E2E_PORT ?? 3288);
const base = `http://127.0.0.1:${port}`;
const ROOT = path.resolve(import.meta.dirname, "..");
fs.mkdirSync(out, { recursive: true });

const server = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests", "e2e", "server.ts")], {
  cwd: ROOT,
  env: { ...process.env, E2E_PORT: String(port) },
  stdio: ["ignore", "ignore", "inherit"],
});

async function waitUp() {
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not start");
}

const VARIANTS = [
  { scheme: "light", width: 1280 },
  { scheme: "dark", width: 1280 },
  { scheme: "light", width: 390 },
  { scheme: "dark", width: 390 },
] as const;

const launch = () =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });

async function shoot(browser: Browser, name: string, prepare: (ctx: BrowserContext) => Promise<string>, after?: (page: import("@playwright/test").Page) => Promise<void>) {
  for (const v of VARIANTS) {
    const ctx = await browser.newContext({ baseURL: base, colorScheme: v.scheme, viewport: { width: v.width, height: 900 } });
    const url = await prepare(ctx);
    const page = await ctx.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    if (after) await after(page);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    const file = path.join(out, `${name}-${v.scheme}-${v.width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`${file}${scroll > v.width ? `  (page is ${scroll}px wide: overflows)` : ""}`);
    await ctx.close();
  }
}

const ADMIN = { name: "admin", password: "screenshot-admin" };
const json = (body: unknown, extra: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", origin: base, ...extra },
  body: JSON.stringify(body),
});

async function loginCookie(who: { name: string; password: string }): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, json(who));
  if (!res.ok) throw new Error(`login ${who.name}: ${res.status} ${await res.text()}`);
  return /vs_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")![1]!;
}

try {
  await waitUp();
  const browser = await launch();
  // before any account exists: the setup page
  await shoot(browser, "setup", async () => "/setup");
  await fetch(`${base}/api/auth/setup`, json(ADMIN));
  await shoot(browser, "login", async () => "/login", async (page) => {
    await page.getByLabel("Name").fill("somebody");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.locator("form").getByRole("alert").waitFor();
  });

  // some data: users with long names, tokens, activity
  const adminCookie = await loginCookie(ADMIN);
  const asAdmin = (p: string, body: unknown) => fetch(`${base}${p}`, json(body, { cookie: `vs_session=${adminCookie}` }));
  const people = [
    { name: "maria.garcia-lopez_voice-team", role: "member" },
    { name: "viewer1", role: "viewer" },
    { name: "old-intern", role: "member" },
  ];
  for (const p of people) await asAdmin("/api/users", { ...p, password: `${p.name}-password` });
  const list = (await (await fetch(`${base}/api/users`, { headers: { cookie: `vs_session=${adminCookie}` } })).json()) as { users: { id: string; name: string }[] };
  const intern = list.users.find((u) => u.name === "old-intern")!;
  await fetch(`${base}/api/users/${intern.id}`, { ...json({ disabled: true }), method: "PATCH", headers: { "content-type": "application/json", origin: base, cookie: `vs_session=${adminCookie}` } });
  const maria = { name: people[0]!.name, password: `${people[0]!.name}-password` };
  const mariaCookie = await loginCookie(maria);
  const asMaria = (p: string, body: unknown) => fetch(`${base}${p}`, json(body, { cookie: `vs_session=${mariaCookie}` }));
  await asMaria("/api/tokens", { name: "nightly export of every finished model to the archive server", scope: "read" });
  const t = (await (await asMaria("/api/tokens", { name: "ci", scope: "write" })).json()) as { secret: string };
  await fetch(`${base}/api/experiments`, json({ name: "a-rather-long-experiment-name-for-the-activity-list" }, { authorization: `Bearer ${t.secret}` }));
  await asAdmin("/api/tokens", { name: "admin script", scope: "write" });

  const withCookie = (cookie: string) => async (ctx: BrowserContext) => {
    await ctx.addCookies([{ name: "vs_session", value: cookie, url: base }]);
    return "";
  };
  await shoot(browser, "account", async (ctx) => (await withCookie(mariaCookie)(ctx), "/account"), async (page) => {
    await page.getByLabel("Token name").fill("laptop");
    await page.getByLabel("Access").selectOption("write");
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByTestId("token-secret").waitFor();
  });
  await shoot(browser, "users", async (ctx) => (await withCookie(adminCookie)(ctx), "/admin/users"), async (page) => {
    await page.getByLabel("Role of admin").selectOption("viewer");
    await page.getByRole("listitem", { name: "User admin" }).getByRole("alert").waitFor();
    await page.getByRole("listitem", { name: "User viewer1" }).getByRole("button", { name: "Reset password" }).click();
  });
  await shoot(browser, "activity", async (ctx) => (await withCookie(adminCookie)(ctx), "/admin/activity"));
  await shoot(browser, "experiments-viewer", async (ctx) => (await withCookie(await loginCookie({ name: "viewer1", password: "viewer1-password" }))(ctx), "/experiments/a-rather-long-experiment-name-for-the-activity-list"));
  await browser.close();
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.on("close", r));
}
