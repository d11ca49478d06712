/** Issue 18, items 2 and 11: stages out of date after a settings change, help under every field, Train's reasons. */
import fs from "node:fs";
import { deleteExperiments } from "./page-helpers";
import { expect, test } from "@playwright/test";
import { speechWav, tempDir } from "../helpers/audio-fixtures";

const dir = tempDir("vs-e2e-first-hour-settings-");
const EXP = "e2e-settings-change";
const FIELDS_EXP = "e2e-settings-fields";
test.afterAll(async ({ playwright }) => {
  fs.rmSync(dir, { recursive: true, force: true });
  await deleteExperiments(playwright, [EXP, FIELDS_EXP]);
});

test("every setting and training field has a help line tied to it; Train says why it is disabled; an empty epochs field says what to enter", async ({ page, request }) => {
  expect((await request.post("/api/experiments", { data: { name: FIELDS_EXP } })).status()).toBe(201);
  await page.goto("/");
  const create = page.getByRole("form", { name: "New experiment" });
  for (const label of ["Sample rate", "Pitch method", "Version"]) {
    await expect(create.getByLabel(label)).toHaveAccessibleDescription(/.{20,}/);
  }

  await page.goto(`/experiments/${FIELDS_EXP}`);
  const training = page.getByRole("region", { name: "Training" });
  for (const label of ["Epochs", "Batch size", "Save every N epochs", "Keep latest checkpoint only", "Pretrained", "Precision", "GPU ids"]) {
    await expect(training.getByLabel(label, { exact: true }), label).toHaveAccessibleDescription(/.{20,}/);
  }
  // the pretrained select fits its box (its longest option is not cut off)
  const cut = await training.getByLabel("Pretrained", { exact: true }).evaluate((el: HTMLSelectElement) => {
    const longest = Math.max(...[...el.options].map((o) => o.text.length));
    const probe = document.createElement("span");
    probe.style.font = getComputedStyle(el).font;
    probe.textContent = [...el.options].find((o) => o.text.length === longest)!.text;
    document.body.append(probe);
    const w = probe.getBoundingClientRect().width;
    probe.remove();
    return w > el.clientWidth - 24;
  });
  expect(cut).toBe(false);

  // no audio: Train is disabled and says why
  const trainButton = training.getByRole("button", { name: "Train", exact: true });
  await expect(trainButton).toBeDisabled();
  await expect(trainButton).toHaveAccessibleDescription(/Upload audio first/);

  // the System page names the interpreter that trains and how it was chosen (the e2e server sets PYTHON)
  await page.goto("/system");
  await expect(page.getByTestId("python-executable").first()).toContainText(/python3 \(from PYTHON\)/);
  await page.goto(`/experiments/${FIELDS_EXP}`);

  // an emptied epochs field says what to enter, not "got 0"
  await training.getByLabel("Epochs", { exact: true }).fill("");
  await expect(training.getByText("enter the number of epochs (1–10000)")).toBeVisible();
  await expect(training.getByLabel("Epochs", { exact: true })).toHaveAttribute("aria-invalid", "true");
});

test("a sample rate changed after preprocessing marks preprocess out of date, blocks Train with the reason, and a re-run clears it", async ({ page, request }) => {
  test.setTimeout(120_000);
  expect((await request.post("/api/experiments", { data: { name: EXP } })).status()).toBe(201);
  await page.goto(`/experiments/${EXP}`);
  await page.getByLabel("Choose files").setInputFiles(speechWav(dir, "take.wav", "A recording of the voice for the settings test."));
  await expect(page.getByTestId("file-row")).toHaveCount(1, { timeout: 20_000 });
  const started = await request.post(`/api/experiments/${EXP}/preprocess`, { data: {} });
  expect(started.status()).toBe(202);
  const stage = page.locator('[data-stage="preprocess"]');
  await expect(stage).toHaveAttribute("data-state", "succeeded", { timeout: 60_000 });

  // its job page: attempts counted from 1 of the most there can be, times as "2026-12-01 16:39 UTC", no ISO strings
  await page.goto(`/jobs/${(await started.json()).job.id}`);
  const header = page.getByTestId("page-description");
  await expect(header).toContainText("attempt 1 of 3");
  await expect(header).toContainText(/created \d{4}-\d\d-\d\d \d\d:\d\d UTC · started .* · finished /);
  await expect(page.locator("body")).not.toContainText(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  await page.goto(`/experiments/${EXP}`);
  await page.reload();
  const training = page.getByRole("region", { name: "Training" });
  await expect(training.getByRole("button", { name: "Train", exact: true })).toBeEnabled();

  const settings = page.getByRole("form", { name: "Settings" });
  await settings.getByLabel("Sample rate").selectOption("32000");
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("region", { name: "Notifications" }).getByTestId("toast")).toContainText("Settings saved");

  await expect(stage).toHaveAttribute("data-state", "out of date");
  await expect(stage.getByTestId("stage-stale")).toHaveText("settings changed since: sample rate 40000 → 32000");
  const trainButton = training.getByRole("button", { name: "Train", exact: true });
  await expect(trainButton).toBeDisabled();
  await expect(training.getByTestId("train-blocked")).toContainText("re-run preprocess (settings changed since: sample rate 40000 → 32000)");
  // kept for a look at the out-of-date stage (test-reports/screenshots, as pages.spec.ts)
  const viewport = page.viewportSize();
  for (const [width, scheme] of [[1280, "light"], [390, "dark"]] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `test-reports/screenshots/experiment-stale-${width}-${scheme}.png`, fullPage: true });
  }
  if (viewport) await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme: null });
  // the API refuses as well, before anything is queued
  const refused = await request.post(`/api/experiments/${EXP}/train`, { data: { epochs: 1 } });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.message).toContain("re-run preprocess (settings changed since: sample rate 40000 → 32000)");

  await stage.getByRole("button", { name: "Re-run preprocess" }).click();
  await expect(stage).toHaveAttribute("data-state", "succeeded", { timeout: 60_000 });
  await page.reload();
  await expect(stage.getByTestId("stage-stale")).toHaveCount(0);
  await expect(trainButton).toBeEnabled();
});
