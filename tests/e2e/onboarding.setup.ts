/** First run (a fresh database, no account): the app asks to create the admin, then lands logged in. */
import { expect, test } from "@playwright/test";
import { ADMIN_STATE } from "../../playwright.config";

export const ADMIN = { name: "admin", password: "e2e-admin-password" };

test("first visit: create the admin account and land logged in", async ({ page }) => {
  await page.goto("/experiments/anything");
  // no session → /login, which finds that no account exists → /setup
  await expect(page).toHaveURL(/\/setup/);
  await expect(page.getByRole("heading", { name: "Create the admin account" })).toBeVisible();
  await page.getByLabel("Name").fill(ADMIN.name);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Password again").fill("something else");
  await page.getByRole("button", { name: "Create and log in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("The two passwords differ");
  await page.getByLabel("Password again").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create and log in" }).click();
  await expect(page.getByRole("heading", { name: "Experiments" })).toBeVisible();
  await expect(page.getByTestId("user-name")).toHaveText(ADMIN.name);
  await expect(page.getByTestId("user-role")).toHaveText("admin");
  // setup is over: /setup now sends to the login page, and a second setup is refused
  const again = await page.request.post("/api/auth/setup", { data: { name: "second", password: "second-password" }, headers: { origin: new URL(page.url()).origin } });
  expect(again.status()).toBe(409);
  await page.context().storageState({ path: ADMIN_STATE });
});
