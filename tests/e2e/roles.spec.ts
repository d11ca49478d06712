/** The admin adds a member and a viewer; each logs in and sees and can do what the role allows. Cross-site pages can't. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Browser, type Page } from "@playwright/test";

const users = { member: { name: "e2e-member", password: "member-password" }, viewer: { name: "e2e-viewer", password: "viewer-password" } };

async function loginPage(browser: Browser, who: { name: string; password: string }, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: {} });
  const page = await context.newPage();
  await page.goto("/models");
  await expect(page).toHaveURL(/\/login\?next=%2Fmodels/);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("The name or password is not right");
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/models$/);
  return page;
}

test("admin creates a member and a viewer; each sees and can do what the role allows", async ({ request, browser, baseURL }) => {
  for (const [role, u] of Object.entries(users)) {
    const res = await request.post("/api/users", { data: { ...u, role } });
    expect(res.status(), await res.text()).toBe(201);
  }

  const viewer = await loginPage(browser, users.viewer, baseURL!);
  await expect(viewer.getByTestId("user-role")).toHaveText("viewer");
  await expect(viewer.getByRole("form", { name: "Import model" })).toHaveCount(0);
  await viewer.goto("/");
  await expect(viewer.getByRole("heading", { name: "Experiments" })).toBeVisible();
  await expect(viewer.getByRole("form", { name: "New experiment" })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "System" })).toHaveCount(0);
  // and the API refuses a viewer's write even when sent from the page
  const status = await viewer.evaluate(async () =>
    (await fetch("/api/experiments", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "viewer-made" }) })).status,
  );
  expect(status).toBe(403);

  const member = await loginPage(browser, users.member, baseURL!);
  await member.goto("/");
  await member.getByRole("form", { name: "New experiment" }).getByLabel("Name").fill("e2e-member-exp");
  await member.getByRole("button", { name: "Create" }).click();
  await expect(member.getByRole("link", { name: "e2e-member-exp" })).toBeVisible();
  await expect(member.getByRole("link", { name: "System" })).toHaveCount(0);
  await member.goto("/system");
  await expect(member.getByText("The System page is for admins.")).toBeVisible();

  // log out ends the session
  await member.getByRole("button", { name: "Log out" }).click();
  await expect(member).toHaveURL(/\/login/);
  await member.goto("/");
  await expect(member).toHaveURL(/\/login/);
  await viewer.context().close();
  await member.context().close();
});

test("a page on another loopback origin cannot drive the app: text/plain JSON, forms, multipart all refused", async ({ page, request, baseURL }) => {
  const app = baseURL!;
  const html = `<!doctype html><html><body>
<form id="f" method="POST" action="${app}/api/experiments" enctype="text/plain"><input name='{"name":"xsite-form","x":"' value='"}'></form>
<script>
window.attempts = (async () => {
  const out = [];
  const tryIt = async (label, init) => {
    try { const r = await fetch("${app}/api/experiments", { credentials: "include", ...init }); out.push(label + ":" + r.type); }
    catch (e) { out.push(label + ":error"); }
  };
  await tryIt("nocors-plain", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ name: "xsite-plain" }) });
  const fd = new FormData(); fd.set("name", "xsite-multi"); fd.set("pth", new Blob([new Uint8Array(8)]), "a.pth");
  try { await fetch("${app}/api/models/import", { method: "POST", mode: "no-cors", credentials: "include", body: fd }); out.push("multi:sent"); } catch { out.push("multi:error"); }
  await tryIt("cors-json", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "xsite-cors" }) });
  return out;
})();
</script></body></html>`;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.2", r));
  try {
    const evil = `http://127.0.0.2:${(server.address() as AddressInfo).port}/`;
    // the admin's browser (logged in to the app) visits the other page
    await page.goto(evil);
    const attempts = await page.evaluate(() => (window as unknown as { attempts: Promise<string[]> }).attempts);
    expect(attempts.length).toBe(3);
    // the top-level form post navigates to the app's answer
    await Promise.all([page.waitForURL(`${app}/api/experiments`), page.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit())]);
    expect(await page.content()).toMatch(/cross_site|unauthenticated|unsupported_media_type/);
  } finally {
    server.close();
  }
  const { experiments } = (await (await request.get("/api/experiments")).json()) as { experiments: { name: string }[] };
  expect(experiments.filter((e) => e.name.startsWith("xsite"))).toEqual([]);
  const { models } = (await (await request.get("/api/models")).json()) as { models: { name: string }[] };
  expect(models.filter((m) => m.name.startsWith("xsite"))).toEqual([]);
});
