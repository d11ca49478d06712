/**
 * The account and admin pages, as people use them: the admin adds a member and a viewer on the Users page; the
 * member makes a read-write API token on the Account page, sees it once, uses it from a script and revokes it; the
 * viewer sees no write buttons; the admin reads all of it on the Activity page.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";

const users = {
  member: { name: "ui-member", password: "ui-member-password" },
  viewer: { name: "ui-viewer", password: "ui-viewer-password" },
} as const;
const EXPERIMENT = "ui-token-exp";

async function login(browser: Browser, baseURL: string, who: { name: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: {} });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("user-name")).toHaveText(who.name);
  return page;
}

test("users page, tokens shown once and revoked from the UI, a viewer without write buttons, the activity log", async ({ page, browser, baseURL }) => {
  const nav = page.getByRole("navigation", { name: "Main" });

  // the admin adds the two accounts through the Users page
  await page.goto("/");
  for (const link of ["Account", "Users", "Activity", "System"]) await expect(nav.getByRole("link", { name: link })).toBeVisible();
  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "New user" });
  for (const role of ["member", "viewer"] as const) {
    await form.getByLabel("Name").fill(users[role].name);
    await form.getByLabel("Role").selectOption(role);
    await form.getByLabel("Initial password").fill(users[role].password);
    await form.getByRole("button", { name: "Create user" }).click();
    await expect(form.getByRole("status")).toHaveText(new RegExp(`Created ${role} “${users[role].name}”`));
    await expect(page.getByRole("listitem", { name: `User ${users[role].name}` }).getByLabel(`Role of ${users[role].name}`)).toHaveValue(role);
  }
  // the API refuses to demote the last admin, and the page says why
  await page.getByLabel("Role of admin").selectOption("member");
  await expect(page.getByRole("listitem", { name: "User admin" }).getByRole("alert")).toHaveText(/last active admin/);
  await expect(page.getByLabel("Role of admin")).toHaveValue("admin");

  // the member creates a read-write token; the secret is shown once
  const member = await login(browser, baseURL!, users.member);
  const memberNav = member.getByRole("navigation", { name: "Main" });
  await expect(memberNav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await memberNav.getByRole("link", { name: "Account" }).click();
  await expect(member.getByTestId("account-name")).toHaveText(users.member.name);
  await member.getByLabel("Token name").fill("e2e script");
  await member.getByLabel("Access").selectOption("write");
  await member.getByRole("button", { name: "Create token" }).click();
  const shown = member.getByRole("status", { name: "New token secret" });
  await expect(shown).toContainText("you will not see it again");
  const secret = (await member.getByTestId("token-secret").textContent())!.trim();
  expect(secret).toMatch(/^vs_[A-Za-z0-9_-]{40,}$/);
  const row = member.getByTestId("token-row").filter({ hasText: "e2e script" });
  await expect(row).toContainText("read-write");
  await expect(row).toContainText(`${secret.slice(0, 9)}…`);
  await expect(row.getByTestId("token-last-used")).toHaveText("never");

  // a script uses it
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${baseURL}${path}`, { ...init, headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...(init.headers ?? {}) } });
  const made = await api("/api/experiments", { method: "POST", body: JSON.stringify({ name: EXPERIMENT }) });
  expect(made.status, await made.text()).toBe(201);
  const me = (await (await api("/api/auth/me")).json()) as { user: { name: string }; via: string };
  expect(me).toMatchObject({ user: { name: users.member.name }, via: "token" });

  // after a reload the secret is gone for good; the list shows its use
  await member.reload();
  await expect(member.getByTestId("token-secret")).toHaveCount(0);
  await expect(member.getByText(secret)).toHaveCount(0);
  await expect(row.getByTestId("token-last-used")).not.toHaveText("never");

  // the admin sees everyone's tokens on the Users page
  await page.reload();
  const all = page.getByRole("region", { name: "Everyone's API tokens" }).getByTestId("token-row").filter({ hasText: "e2e script" });
  await expect(all).toContainText(users.member.name);

  // revoked from the UI: the token stops working at once
  await row.getByRole("button", { name: "Revoke e2e script" }).click();
  await member.getByRole("dialog", { name: /Revoke the token “e2e script”/ }).getByRole("button", { name: "Revoke" }).click();
  await expect(member.getByText("You have no API tokens.")).toBeVisible();
  const after = await api("/api/experiments");
  expect(after.status).toBe(401);
  expect(((await after.json()) as { error: { code: string } }).error.code).toBe("invalid_token");

  // the viewer reads the member's experiment but has no button that would change it
  const viewer = await login(browser, baseURL!, users.viewer);
  const viewerNav = viewer.getByRole("navigation", { name: "Main" });
  await expect(viewerNav.getByRole("link", { name: "Account" })).toBeVisible();
  for (const link of ["Users", "Activity", "System"]) await expect(viewerNav.getByRole("link", { name: link })).toHaveCount(0);
  await viewer.goto(`/experiments/${EXPERIMENT}`);
  await expect(viewer.getByRole("heading", { name: EXPERIMENT })).toBeVisible();
  await expect(viewer.getByRole("region", { name: "Pipeline" })).toBeVisible();
  await expect(viewer.getByRole("main").getByRole("button")).toHaveCount(0);
  await expect(viewer.getByRole("form", { name: "Settings" }).getByLabel("Name")).toBeDisabled();
  await viewer.goto("/");
  await expect(viewer.getByRole("form", { name: "New experiment" })).toHaveCount(0);
  await viewer.goto("/admin/users");
  await expect(viewer.getByText("The Users page is for admins.")).toBeVisible();

  // the admin's Activity page lists who did what
  await nav.getByRole("link", { name: "Activity" }).click();
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  const entry = (action: string, target: string, by: string) =>
    page.getByTestId("activity-row").filter({ hasText: action }).filter({ hasText: target }).filter({ hasText: by }).first();
  await expect(entry("user.create", users.member.name, "admin")).toBeVisible();
  await expect(entry("user.create", users.viewer.name, "admin")).toBeVisible();
  await expect(entry("token.create", "e2e script", users.member.name)).toBeVisible();
  await expect(entry("token.revoke", "e2e script", users.member.name)).toBeVisible();
  await expect(entry("POST /api/experiments", "experiments", users.member.name)).toBeVisible();

  await member.context().close();
  await viewer.context().close();
});
