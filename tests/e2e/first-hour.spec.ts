/** What a new user trips over in the first hour (issue 18): phone layout, focus, long errors, favicon, Convert. */
import fs from "node:fs";
import { deleteExperiments } from "./page-helpers";
import { expect, test, type Page } from "@playwright/test";
import { speechWav, tempDir } from "../helpers/audio-fixtures";

const dir = tempDir("vs-e2e-first-hour-");
test.afterAll(async ({ playwright }) => {
  fs.rmSync(dir, { recursive: true, force: true });
  // the failed train job would show up in later specs' job lists: the experiment goes, and its jobs with it
  await deleteExperiments(playwright, [EXP]);
});

const EXP = "e2e-first-hour";

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test("an experiment with a file and a failed training: train before extract says run extract first, a long error stays in its card", async ({ page, request }) => {
  test.setTimeout(120_000);
  expect((await request.post("/api/experiments", { data: { name: EXP } })).status()).toBe(201);
  await page.goto(`/experiments/${EXP}`);
  await page.getByLabel("Choose files").setInputFiles(speechWav(dir, "a rather long file name of a first take recorded at home.wav", "A first recording of the voice, for the phone layout."));
  await expect(page.getByTestId("file-row")).toHaveCount(1, { timeout: 20_000 });

  expect((await request.post(`/api/experiments/${EXP}/preprocess`, { data: {} })).status()).toBe(202);
  await expect(page.locator('[data-stage="preprocess"]')).toHaveAttribute("data-state", "succeeded", { timeout: 60_000 });
  expect((await request.post(`/api/experiments/${EXP}/train`, { data: { epochs: 1, pretrained: "none" } })).status()).toBe(202);
  await page.reload();
  const train = page.locator('[data-stage="train"]');
  await expect(train).toHaveAttribute("data-state", "failed", { timeout: 60_000 });
  const error = train.getByTestId("stage-error");
  await expect(error).toContainText("run extract first");
  await expect(error).not.toContainText("more)");

  // an error without spaces (a path, a hash) wraps inside its card instead of running over the next one
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await error.evaluate((el) => (el.textContent = "x".repeat(400)));
    const card = await train.boundingBox();
    const text = await error.boundingBox();
    expect(text!.x + text!.width).toBeLessThanOrEqual(card!.x + card!.width + 0.5);
  }
});

test("no page scrolls sideways at 390 px, light or dark", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const pages = ["/", `/experiments/${EXP}`, "/models", "/convert", "/jobs", "/account", "/admin/users", "/admin/activity", "/system"];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const url of pages) {
      await page.goto(url);
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: test.info().outputPath(`${url.replace(/\W+/g, "_")}-390-${colorScheme}.png`), fullPage: true });
      expect(await horizontalOverflow(page), `${url} (${colorScheme}) is wider than the screen`).toBeLessThanOrEqual(0);
    }
  }
  // the nav keeps every link on screen
  await page.goto("/");
  const system = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "System" });
  const box = await system.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
});

test("keyboard focus is visible on Choose files and Choose a folder", async ({ page }) => {
  await page.goto(`/experiments/${EXP}`);
  for (const label of ["Choose files", "Choose a folder"]) {
    // Tab until the hidden input has the focus; its label draws the ring
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.keyboard.press("Tab");
      found = await page.evaluate((l) => document.activeElement?.getAttribute("aria-label") === l, label);
    }
    expect(found, `Tab reaches ${label}`).toBe(true);
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!.closest("label")!);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(outline.style).not.toBe("none");
    expect(outline.width).toBeGreaterThanOrEqual(2);
  }
});

test("a favicon is linked and served", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel~="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  const res = await request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
});

test("Convert chooses the only model by itself, and a picked clip is named, not 'No file chosen'", async ({ page }) => {
  const only = { id: "00000000-0000-4000-8000-000000000001", name: "the-only-voice", sampleRate: 40000, version: "v2", f0: true, files: [{ kind: "onnx", name: "m.onnx", bytes: 1 }] };
  await page.route("**/api/models", (route) => route.fulfill({ json: { models: [only] } }));
  await page.goto("/convert");
  await expect(page.getByLabel("Model")).toHaveValue(only.id);
  const clip = speechWav(dir, "my clip.wav", "A clip to convert.");
  await page.getByLabel("Audio file").setInputFiles(clip);
  await expect(page.getByTestId("input-preview")).toContainText("my clip.wav");
  // the native input (cleared so the same file can be chosen again, so it would say "No file chosen") is hidden
  expect((await page.getByLabel("Audio file").boundingBox())!.width).toBeLessThanOrEqual(1);
  await expect(page.getByText("Choose another file")).toBeVisible();
});
