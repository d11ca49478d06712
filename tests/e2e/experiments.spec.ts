import { expect, test } from "@playwright/test";

test("create an experiment in the UI and see it in the list", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Experiments" })).toBeVisible();
  const form = page.getByRole("form", { name: "New experiment" });
  await form.getByLabel("Name").fill("e2e-voice");
  await form.getByLabel("Sample rate").selectOption("48000");
  await form.getByRole("button", { name: "Create" }).click();

  const row = page.getByRole("table", { name: "Experiments" }).getByRole("row", { name: /e2e-voice/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText("48k");

  // a second create with the same name shows the API's message and adds nothing
  await form.getByLabel("Name").fill("e2e-voice");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form.getByRole("alert")).toContainText('already exists');
  await expect(page.getByRole("table", { name: "Experiments" }).getByRole("row", { name: /e2e-voice/ })).toHaveCount(1);

  await row.getByRole("link", { name: "e2e-voice" }).click();
  await expect(page.getByRole("heading", { name: "e2e-voice" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Pipeline" })).toContainText("Preprocess");
});

test("a name that breaks the rule is explained before sending", async ({ page }) => {
  await page.goto("/");
  const form = page.getByRole("form", { name: "New experiment" });
  await form.getByLabel("Name").fill("Bad Name");
  await expect(form).toContainText("lowercase letters, digits");
  await expect(form.getByRole("button", { name: "Create" })).toBeDisabled();
});

test("a stage that cannot run is refused at once with the reason", async ({ page }) => {
  await page.goto("/");
  const form = page.getByRole("form", { name: "New experiment" });
  await form.getByLabel("Name").fill("e2e-stage");
  await form.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name: "e2e-stage" }).click();
  const stage = page.locator('[data-stage="preprocess"]');
  await stage.getByRole("button", { name: "Run preprocess" }).click();
  await expect(page.getByRole("region", { name: "Pipeline" }).getByRole("alert")).toContainText('"e2e-stage" has no audio yet');
  await expect(stage).toHaveAttribute("data-state", "idle");
});

test("the System page shows the database and a live worker with its capabilities", async ({ page }) => {
  await page.goto("/system");
  await expect(page.getByTestId("db-status")).toHaveText("OK");
  const worker = page.getByTestId("worker-row").first();
  await expect(worker).toBeVisible({ timeout: 20_000 });
  await expect(worker).toContainText("cpu");
  await expect(page.getByRole("region", { name: "Assets" })).toContainText("RMVPE pitch model");
});
