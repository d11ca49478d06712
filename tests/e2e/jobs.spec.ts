import { expect, test } from "@playwright/test";

test("a self-test started from the UI shows live progress to 100%, and a reload mid-way picks up where it was", async ({ page }) => {
  await page.goto("/system");
  await page.getByRole("button", { name: "Run worker self-test" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);

  const percent = page.getByTestId("job-percent");
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 20_000 });
  // wait until it is well under way, then reload
  await expect
    .poll(async () => Number((await percent.textContent())?.replace("%", "")), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(20);
  const before = Number((await percent.textContent())?.replace("%", ""));
  await page.reload();
  // the replayed stream restores the state at once: never back to zero
  await expect
    .poll(async () => Number((await percent.textContent())?.replace("%", "")), { timeout: 5_000 })
    .toBeGreaterThanOrEqual(before);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(percent).toHaveText("100%");
  await expect(page.getByTestId("job-log")).toContainText("step 100/100");
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
});

test("a running self-test can be cancelled from its page", async ({ page, request }) => {
  const res = await request.post("/api/system/selftest", { data: { seconds: 60, steps: 600 } });
  expect(res.status()).toBe(202);
  const { job } = await res.json();
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 20_000 });
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled", { timeout: 5_000 });
  await expect(page.getByTestId("job-log")).toContainText("cancelled by the user");
});

test("the Jobs page lists jobs and filters them", async ({ page, request }) => {
  await request.post("/api/system/selftest", { data: { seconds: 1, steps: 2 } });
  await page.goto("/jobs?kind=selftest");
  await expect(page.getByRole("table", { name: "Jobs" })).toContainText("selftest");
  // other specs may have trained by now: a filter no job can match
  await page.goto("/jobs?kind=selftest&experiment=e2e-never-created");
  await expect(page.getByText("No jobs match.")).toBeVisible();
});

test("the experiment page shows a stage's job live without reloading", async ({ page }) => {
  await page.goto("/");
  const form = page.getByRole("form", { name: "New experiment" });
  await form.getByLabel("Name").fill("e2e-live");
  await form.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name: "e2e-live" }).click();
  const stage = page.locator('[data-stage="extract"]');
  await stage.getByRole("button", { name: "Run extract" }).click();
  await expect(stage).toHaveAttribute("data-state", "failed", { timeout: 20_000 });
  await expect(page.getByTestId("job-log")).toContainText("no preprocessed audio");
});
