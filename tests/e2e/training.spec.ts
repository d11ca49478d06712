import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { trainSkipReason, writeTinyConfig } from "./train-helpers";

test.skip(trainSkipReason !== null, trainSkipReason ?? "");

test("upload speech, run the whole pipeline from the UI, watch the loss charts fill and the model appear; a reload shows the charts with their axes", async ({ page, request }) => {
  test.setTimeout(300_000);
  const name = "e2e-train";
  expect((await request.post("/api/experiments", { data: { name, sampleRate: 32000 } })).status()).toBe(201);
  writeTinyConfig(name);
  const speech = path.join(process.env.E2E_DATA_ROOT!, "speech.wav");
  execFileSync("espeak-ng", ["-w", speech, "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. It is easy to tell the depth of a well. These days a chicken leg is a rare dish."]);

  await page.goto(`/experiments/${name}`);
  await page.getByLabel("Choose files").setInputFiles(speech);
  await expect(page.getByRole("region", { name: "Pipeline" }).locator('[data-stage="upload"]')).toHaveAttribute("data-state", "done", { timeout: 60_000 });

  const training = page.getByRole("region", { name: "Training" });
  await training.getByLabel("Epochs", { exact: true }).fill("3");
  await training.getByLabel("Batch size").fill("2");
  await training.getByLabel("Save every N epochs").fill("1");
  await training.getByLabel("Pretrained").selectOption("none");
  await training.getByRole("button", { name: "Run whole pipeline" }).click();

  // the charts fill from the series route while training runs (refetched on progress, at most every 5 s)
  const charts = training.getByTestId("training-charts");
  await expect.poll(async () => Number(await charts.getAttribute("data-steps")), { timeout: 180_000 }).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("model-row")).toContainText(`${name} · 32k v2 · 3 epochs`, { timeout: 60_000 });
  await expect(page.locator('[data-stage="model"]')).toHaveAttribute("data-state", "done");
  await expect(training.getByTestId("checkpoints")).toContainText("epoch 3");

  // a reload: the charts come from the series route, the checkpoint list from the job snapshot (no event replay)
  const stepFile = fs.readFileSync(path.join(process.env.E2E_DATA_ROOT!, "experiments", name, "logs", "steps.bin"));
  const headerLength = stepFile.readUInt32LE(8);
  const fields = (JSON.parse(stepFile.subarray(12, 12 + headerLength).toString("utf8")) as { fields: string[] }).fields;
  expect(fields).toEqual(expect.arrayContaining(["mel", "kl", "gen", "disc", "fm"]));
  const recorded = (stepFile.length - 12 - headerLength) / (8 + 4 * fields.length);
  expect(recorded).toBeGreaterThanOrEqual(3); // the trainer recorded every step
  await page.reload();
  await expect(training.getByTestId("checkpoints")).toContainText("epoch 3");
  await expect(charts).toHaveAttribute("data-steps", String(recorded));
  const adversarial = training.getByTestId("training-chart").first();
  await expect(adversarial.locator('text[data-axis="y"]').first()).toBeVisible();
  expect(await adversarial.locator('text[data-axis="y"]').count()).toBeGreaterThanOrEqual(2);
  expect(await adversarial.locator('text[data-axis="x"]').count()).toBeGreaterThanOrEqual(2);
  await expect(adversarial.getByRole("img")).toHaveAttribute("aria-label", /generator \d/);
  await training.getByLabel("Log scale").check();
  await expect(adversarial.locator('text[data-axis="y"]').first()).toBeVisible();
  await training.getByLabel("Log scale").uncheck();
  const shots = path.resolve("test-reports", "screenshots");
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await training.getByTestId("training-charts").scrollIntoViewIfNeeded();
      await page.waitForTimeout(300); // the charts re-measure their width
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await training.getByTestId("training-charts").screenshot({ path: path.join(shots, `training-charts-${width}-${scheme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });

  // the model is listed on the Models page and downloadable
  await page.goto("/models");
  await page.getByRole("table", { name: "Models" }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download .pth" }).click();
  expect((await download).suggestedFilename()).toBe(`${name}.pth`);
});
