import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { trainSkipReason, writeTinyConfig } from "./train-helpers";

test.skip(trainSkipReason !== null, trainSkipReason ?? "");

test("upload speech, run the whole pipeline from the UI, watch the loss chart fill and the model appear", async ({ page, request }) => {
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

  const chart = training.getByTestId("loss-chart").first();
  await expect.poll(async () => Number(await chart.getAttribute("data-points")), { timeout: 180_000 }).toBeGreaterThanOrEqual(1);
  await expect(chart).toHaveAttribute("data-points", "3", { timeout: 120_000 });
  await expect(page.getByTestId("model-row")).toContainText(`${name} · 32k v2 · 3 epochs`, { timeout: 60_000 });
  await expect(page.locator('[data-stage="model"]')).toHaveAttribute("data-state", "done");
  await expect(training.getByTestId("checkpoints")).toContainText("epoch 3");

  // the model is listed on the Models page and downloadable
  await page.goto("/models");
  await page.getByRole("table", { name: "Models" }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download .pth" }).click();
  expect((await download).suggestedFilename()).toBe(`${name}.pth`);
});
