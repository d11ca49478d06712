/**
 * Batch conversion on the Convert page: three clips chosen at once become one batch; its progress ends at 3 of 3,
 * every clip has its output, and "Download all (zip)" downloads a zip of the three WAVs. The page also fits a
 * 390 px wide phone in dark mode (nothing wider than the screen).
 */
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import yauzl from "yauzl";
import { chooseModelAndYin, skipReason, speech, tinyModel } from "./convert-helpers";

test.skip(skipReason !== null, skipReason ?? "");

function zipNames(file: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (err, zf) => {
      if (err || !zf) return reject(err);
      const names: string[] = [];
      zf.on("entry", (e: yauzl.Entry) => {
        names.push(e.fileName);
        zf.readEntry();
      });
      zf.on("end", () => resolve(names));
      zf.on("error", reject);
      zf.readEntry();
    }),
  );
}

test("three clips at once become a batch: progress, each output, Download all (zip); fits 390 px in dark mode", async ({ page, request }) => {
  test.setTimeout(360_000);
  const model = await tinyModel(request);
  const clips = ["one", "two", "three"].map((w) => speech(`e2e-batch-${w}.wav`, `Clip number ${w} of the batch.`));

  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/convert");
  await chooseModelAndYin(page, model.id);
  await page.getByLabel("Audio file").setInputFiles(clips);
  await expect(page.getByTestId("batch-preview")).toContainText("3 clips");
  await page.getByRole("button", { name: "Convert all", exact: true }).click();

  const batch = page.getByRole("region", { name: "Batch" });
  await expect(batch.getByTestId("batch-status")).toHaveText("Done: 3 of 3 converted", { timeout: 240_000 });
  await expect(batch.getByRole("table", { name: "Batch clips" }).getByTestId("batch-clip")).toHaveCount(3);
  for (const w of ["one", "two", "three"]) await expect(batch.getByLabel(`Converted e2e-batch-${w}.wav`)).toBeAttached();
  // nothing sticks out of the phone's width (the offenders are named when something does)
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > 390.5 && !el.parentElement?.closest("[data-testid=table-scroll]"))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 120)),
  );
  expect(wide).toEqual([]);
  // kept for a look at the finished batch (test-reports/screenshots, as pages.spec.ts)
  await page.screenshot({ path: "test-reports/screenshots/convert-batch-390-dark.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: "test-reports/screenshots/convert-batch-1280-light.png", fullPage: true });

  const download = page.waitForEvent("download");
  await batch.getByRole("link", { name: "Download all (zip)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.zip$/);
  const names = await zipNames((await file.path())!);
  expect(names.sort()).toEqual(["one", "three", "two"].map((w) => `e2e-batch-${w}.${model.name}.wav`));
  expect(fs.existsSync((await file.path())!)).toBe(true);
});
