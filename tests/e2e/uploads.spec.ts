import fs from "node:fs";
import path from "node:path";
import { dropFiles } from "./page-helpers";
import { expect, test } from "@playwright/test";
import { pcmWavOfSize, speechWav, tempDir } from "../helpers/audio-fixtures";

const dir = tempDir("vs-e2e-audio-");
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function newExperiment(page: import("@playwright/test").Page, name: string) {
  const res = await page.request.post("/api/experiments", { data: { name } });
  expect(res.status()).toBe(201);
  await page.goto(`/experiments/${name}`);
  await expect(page.getByRole("heading", { name })).toBeVisible();
}

test("drop two files: progress reaches 100%, both are listed with durations, the card adds them up", async ({ page }) => {
  await newExperiment(page, "e2e-drop");
  const files = [speechWav(dir, "one.wav", "First recording of the voice."), speechWav(dir, "two words.wav", "And a second, somewhat longer recording of the same voice.")];
  await dropFiles(page, files);

  const items = page.getByTestId("upload-item");
  await expect(items).toHaveCount(2);
  for (const i of [0, 1]) {
    await expect(items.nth(i)).toHaveAttribute("data-status", "done", { timeout: 20_000 });
    await expect(items.nth(i).getByTestId("upload-percent")).toHaveText("100%");
  }
  await expect(page.getByTestId("upload-total")).toContainText("(100%)");

  const rows = page.getByTestId("file-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "one.wav" }).getByTestId("file-duration")).toHaveText(/^\d+s$/);
  await expect(rows.filter({ hasText: "two words.wav" }).getByTestId("file-duration")).toHaveText(/^\d+s$/);
  await expect(rows.first()).toContainText("22.05 kHz");
  await expect(page.getByTestId("card-count")).toHaveText("2");
  await expect(page.locator('[data-warning="under_1_minute"]')).toBeVisible();

  // remove one
  await page.getByRole("button", { name: "Remove one.wav" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove this file?" });
  await expect(dialog).toContainText("one.wav");
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId("toast").filter({ hasText: "Removed “one.wav”" })).toBeVisible();
});

test("reload the page mid-upload, choose the file again, and it resumes from the server's offset", async ({ page }) => {
  await newExperiment(page, "e2e-resume");
  const big = pcmWavOfSize(path.join(dir, "long take.wav"), 24 * 1024 * 1024 + 44, 5);
  // slow every data request down so that the reload lands between chunks (8 MiB each)
  let patches = 0;
  await page.route("**/api/uploads/**", async (route) => {
    if (route.request().method() === "PATCH") {
      patches++;
      await new Promise((r) => setTimeout(r, 1500));
    }
    await route.continue().catch(() => {});
  });
  const firstChunk = page.waitForResponse((r) => r.request().method() === "PATCH" && r.status() === 204, { timeout: 30_000 });
  await page.getByLabel("Choose files").setInputFiles(big);
  await firstChunk;
  expect(patches).toBeGreaterThanOrEqual(1);

  await page.reload();
  await expect(page.getByTestId("interrupted")).toContainText("long take.wav");
  await page.unroute("**/api/uploads/**");
  await page.getByLabel("Choose files").setInputFiles(big);
  const item = page.getByTestId("upload-item");
  await expect(item.getByTestId("resumed")).toContainText(/resumed at [1-9]\d*%/, { timeout: 20_000 });
  await expect(item).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(page.getByTestId("file-row").filter({ hasText: "long take.wav" }).getByTestId("file-duration")).toHaveText("4m 45s");
  await expect(page.getByTestId("interrupted")).toHaveCount(0);
});

test("a file already in the experiment is refused at once, naming the existing file, sent once and not listed as interrupted", async ({ page }) => {
  await newExperiment(page, "e2e-dup");
  const first = speechWav(dir, "original take.wav", "The same recording, uploaded twice.");
  const again = path.join(dir, "copy of take.wav");
  fs.copyFileSync(first, again);
  await page.getByLabel("Choose files").setInputFiles(first);
  await expect(page.getByTestId("upload-item")).toHaveAttribute("data-status", "done", { timeout: 20_000 });

  let creations = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/uploads") creations++;
  });
  const refused = page.waitForResponse((r) => r.request().method() === "PATCH" && r.status() === 409);
  await page.getByLabel("Choose files").setInputFiles(again);
  await refused;
  const item = page.getByTestId("upload-item").nth(1);
  // with retries the item stays "uploading" until all 8 are spent (minutes); refused, it is an error at once
  await expect(item).toHaveAttribute("data-status", "error");
  await expect(item.getByRole("alert")).toHaveText('"copy of take.wav" has the same content as "original take.wav", which is already in the experiment');
  expect(creations).toBe(1);
  await expect(page.getByTestId("interrupted")).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { name: "e2e-dup" })).toBeVisible();
  await expect(page.getByTestId("interrupted")).toHaveCount(0);
  await expect(page.getByTestId("file-row")).toHaveCount(1);
});

test("a file that is not audio is refused without a 0 B total, and not listed as interrupted after a reload", async ({ page }) => {
  await newExperiment(page, "e2e-notaudio");
  const fake = path.join(dir, "notes.wav");
  fs.writeFileSync(fake, "not audio at all\n".repeat(100));
  await page.getByLabel("Choose files").setInputFiles(fake);
  const item = page.getByTestId("upload-item");
  await expect(item).toHaveAttribute("data-status", "error", { timeout: 20_000 });
  await expect(item.getByRole("alert")).toContainText('"notes.wav" was rejected');
  await expect(page.getByTestId("upload-total")).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { name: "e2e-notaudio" })).toBeVisible();
  await expect(page.getByTestId("interrupted")).toHaveCount(0);
});
