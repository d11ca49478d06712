// "Isolate vocals" (issue 19) in the browser: upload a song-like clip (speech over synthetic chords and a drum-like
// noise burst per beat), isolate its vocals from the file list (the e2e server runs the MDX-shaped band stand-in,
// tests/e2e/server.ts), then play the vocal and accompaniment stems. Screenshots at 1280 and 390 px, light and dark.
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { dropFiles } from "./page-helpers";
import { expect, test } from "@playwright/test";
import { songLikeWav, tempDir } from "../helpers/audio-fixtures";

const dir = tempDir("vs-e2e-sep-");
const SHOTS = path.resolve("test-reports", "screenshots");
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("upload a song, isolate its vocals, play the stems", async ({ page }) => {
  test.setTimeout(120_000);
  const name = "e2e-song";
  expect((await page.request.post("/api/experiments", { data: { name } })).status()).toBe(201);
  await page.goto(`/experiments/${name}`);
  const song = songLikeWav(dir);
  await dropFiles(page, [song]);
  const row = page.getByTestId("file-row").filter({ hasText: "song.wav" });
  await expect(row).toHaveCount(1, { timeout: 30_000 });

  await row.getByRole("button", { name: "Isolate the vocals of song.wav" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Isolating the vocals of “song.wav”" })).toBeVisible();
  await expect
    .poll(
      async () => {
        const res = await page.request.get(`/api/jobs?experiment=${name}&kind=separate`);
        const jobs = ((await res.json()) as { jobs: { status: string; error: string | null }[] }).jobs;
        return jobs[0] ? `${jobs[0].status}${jobs[0].error ? `: ${jobs[0].error}` : ""}` : "none";
      },
      { timeout: 90_000, intervals: [1000] },
    )
    .toBe("succeeded");

  await page.reload();
  const vocals = row.getByRole("button", { name: "Play the vocals of song.wav" });
  await expect(vocals).toBeVisible();
  await expect(row.getByRole("button", { name: "Isolate the vocals of song.wav" })).toHaveCount(0);
  const stem = await page.request.get(`/api/experiments/${name}/files/${await fileId(page, name)}/stems/accompaniment`);
  expect(stem.status()).toBe(200);
  expect(stem.headers()["content-type"]).toBe("audio/wav");

  // play each stem: the button turns into Stop while the browser plays it
  await vocals.click();
  await expect(row.getByRole("button", { name: "Stop the vocals of song.wav" })).toBeVisible();
  await row.getByRole("button", { name: "Play the accompaniment of song.wav" }).click();
  await expect(row.getByRole("button", { name: "Stop the accompaniment of song.wav" })).toBeVisible();
  await expect(page.getByText("This browser cannot play")).toHaveCount(0);
  await row.getByRole("button", { name: "Stop the accompaniment of song.wav" }).click();

  fs.mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await expect(vocals).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `sideways scrolling at ${width}px ${scheme}`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SHOTS, `separate-files-${width}-${scheme}.png`), fullPage: true });
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    }
  }
});

async function fileId(page: import("@playwright/test").Page, name: string): Promise<string> {
  const res = await page.request.get(`/api/experiments/${name}/files`);
  const files = ((await res.json()) as { files: { id: string; name: string }[] }).files;
  return files.find((f) => f.name === "song.wav")!.id;
}
