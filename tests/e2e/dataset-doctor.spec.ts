/**
 * Issue 16 in a real browser: upload a clipped and a clean recording, the worker's analyze job measures them and the
 * file table flags the clipped one; exclude it and the dataset card's totals change; the file's page shows the
 * waveform, the measurements and the flag. Screenshots of the file page and the card at 1280 and 390 px, light and dark,
 * in test-reports/screenshots/dataset-doctor-*.png.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { deleteExperiments } from "./page-helpers";
import { expect, test } from "@playwright/test";
import { speechWav, tempDir } from "../helpers/audio-fixtures";

const SHOTS = path.resolve("test-reports", "screenshots");
const EXP = "e2e-doctor";
const dir = tempDir("vs-e2e-doctor-");

test.beforeAll(() => fs.mkdirSync(SHOTS, { recursive: true }));
test.afterAll(async ({ playwright }) => {
  fs.rmSync(dir, { recursive: true, force: true });
  // later specs count jobs and experiments: this spec's experiment goes again
  await deleteExperiments(playwright, [EXP]);
});

test("upload a clipped and a clean file, see the flag, exclude the clipped one, see the totals change", async ({ page, request }) => {
  test.setTimeout(240_000);
  const text = "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.";
  const clean = path.join(dir, "clean take.wav");
  const hot = path.join(dir, "hot take.wav");
  execFileSync("sox", [speechWav(dir, "s.wav", text), "-r", "44100", "-b", "16", clean, "gain", "-n", "-6"]);
  execFileSync("sox", ["-D", clean, "-b", "16", hot, "gain", "30"], { stdio: "ignore" });

  expect((await request.post("/api/experiments", { data: { name: EXP } })).status()).toBe(201);
  await page.goto(`/experiments/${EXP}`);
  await page.getByLabel("Choose files").setInputFiles([clean, hot]);
  const rows = page.getByTestId("file-row");
  await expect(rows).toHaveCount(2, { timeout: 30_000 });

  // the analyze job runs by itself; the page refreshes when it ends (reloaded here in case the event came first)
  const hotRow = rows.filter({ hasText: "hot take.wav" });
  await expect(async () => {
    await page.reload();
    await expect(hotRow.getByTestId("file-flags")).toContainText("clipping", { timeout: 3_000 });
  }).toPass({ timeout: 120_000 });
  await expect(rows.filter({ hasText: "clean take.wav" }).getByTestId("file-flags")).not.toContainText("clipping");
  await expect(page.getByTestId("card-flags")).toContainText("clipping × 1");
  await expect(page.getByTestId("card-included")).toContainText("in 2 file(s)");
  const before = await page.getByTestId("card-included").innerText();

  // the filter by flag keeps the clipped one only
  await page.getByTestId("flag-filter").selectOption("clipping");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("hot take.wav");
  await page.getByTestId("flag-filter").selectOption("all");
  await expect(rows).toHaveCount(2);

  await page.getByRole("button", { name: "Exclude hot take.wav" }).click();
  // toasts stack (an earlier one may still be showing): look for this one
  await expect(page.getByTestId("toast").filter({ hasText: "Excluded “hot take.wav” from training" })).toBeVisible();
  await expect(page.getByTestId("card-included")).toContainText("in 1 file(s)");
  await expect(page.getByTestId("card-included")).not.toHaveText(before);
  await expect(page.getByTestId("card-excluded")).toHaveText("1 file(s), 0 slice(s)");
  await expect(page.getByTestId("card-total")).toBeVisible();
  await expect(hotRow).toHaveAttribute("data-excluded", "true");
  // the flag counts are of the included files: the clipped one no longer counts
  await expect(page.getByTestId("card-flags").filter({ hasText: "clipping" })).toHaveCount(0);

  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByRole("region", { name: "Dataset" }).screenshot({ path: path.join(SHOTS, `dataset-doctor-card-${width}-${scheme}.png`) });
    }
  }

  // the file's page: waveform with the clipped regions, the flag's advice, the measurements, include again
  await page.setViewportSize({ width: 1280, height: 900 });
  await hotRow.getByRole("link", { name: "hot take.wav" }).click();
  await expect(page.getByRole("heading", { name: "hot take.wav" })).toBeVisible();
  await expect(page.getByTestId("waveform").locator("path")).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId("waveform").locator('[data-region="clipping"]').first()).toBeAttached();
  await expect(page.getByTestId("file-flag-messages")).toContainText(/clipping in .* of samples/);
  await expect(page.getByRole("region", { name: "Analysis" })).toContainText("Loudness");
  await expect(page.getByTestId("file-excluded")).toBeVisible();
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `${width}px ${scheme} scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SHOTS, `dataset-doctor-file-${width}-${scheme}.png`), fullPage: true });
    }
  }
  // the before/after player's audio answers as WAV
  const after = await request.get(`${new URL(page.url()).pathname.replace(/^\/experiments/, "/api/experiments")}/audio?cleaned=1&seconds=3`);
  expect(after.status()).toBe(200);
  expect(after.headers()["content-type"]).toBe("audio/wav");

  await page.getByTestId("file-exclude").click();
  await expect(page.getByTestId("toast").filter({ hasText: "Included this file again" })).toBeVisible();
  await expect(page.getByTestId("file-excluded")).toHaveCount(0);
});
