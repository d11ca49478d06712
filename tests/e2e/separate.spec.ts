// "Isolate vocals" (issue 19) in the browser: upload a song-like clip (speech over synthetic chords and a drum-like
// noise burst per beat), isolate its vocals from the file list (the e2e server runs the MDX-shaped band stand-in,
// tests/e2e/server.ts), then play the vocal and accompaniment stems. Then the experiment-wide switch: turned on in
// the settings, a new upload is separated by itself, "Isolate vocals in 1 file" takes the one from before, "Train on
// vocals" switches a file back to its mix; the System page lists the separation model. Screenshots at 1280 and
// 390 px, light and dark.
import fs from "node:fs";
import { dropFiles, shots } from "./page-helpers";
import { expect, test } from "@playwright/test";
import { songLikeWav, tempDir } from "../helpers/audio-fixtures";

const dir = tempDir("vs-e2e-sep-");
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type ApiJob = { status: string; error: string | null; params: { fileId?: string } };

/** The experiment's separate jobs, oldest first, as "status[: error]" per file id. */
async function separateJobs(page: import("@playwright/test").Page, name: string): Promise<ApiJob[]> {
  const res = await page.request.get(`/api/jobs?experiment=${name}&kind=separate`);
  return ((await res.json()) as { jobs: ApiJob[] }).jobs;
}
const summary = (jobs: ApiJob[]) => jobs.map((j) => `${j.status}${j.error ? `: ${j.error}` : ""}`).sort().join(", ");

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

  await shots(page, "separate-files", vocals);
});

test("the experiment's isolate-vocals switch: new uploads separated by themselves, earlier ones on request, back to the mix", async ({ page }) => {
  // two separations and 12 screenshots with axe: minutes on a loaded 2-core machine
  test.setTimeout(360_000);
  const name = "e2e-iso-switch";
  expect((await page.request.post("/api/experiments", { data: { name } })).status()).toBe(201);
  await page.goto(`/experiments/${name}`);
  await dropFiles(page, [songLikeWav(dir, "before.wav", "Sung before the switch was on.")]);
  const before = page.getByTestId("file-row").filter({ hasText: "before.wav" });
  await expect(before).toHaveCount(1, { timeout: 30_000 });
  await expect(before.getByRole("button", { name: "Isolate the vocals of before.wav" })).toBeVisible();

  // the switch, with its help line; saved, it offers to separate the file from before
  const settings = page.getByRole("form", { name: "Settings" });
  const box = settings.getByLabel("Isolate vocals of every new upload");
  await expect(settings.getByText("each upload is split into vocals and accompaniment")).toBeVisible();
  await box.check();
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "new uploads are separated; 1 earlier file(s) are not yet" })).toBeVisible();
  const separateAll = page.getByRole("button", { name: "Isolate vocals in 1 file" });
  await expect(separateAll).toBeVisible();
  await expect(page.getByRole("form", { name: "Settings" }).getByLabel("Isolate vocals of every new upload")).toBeChecked();
  await shots(page, "isolate-offer", separateAll);

  // a new upload is separated without a click
  await dropFiles(page, [songLikeWav(dir, "after.wav", "Sung after the switch was on.")]);
  const after = page.getByTestId("file-row").filter({ hasText: "after.wav" });
  await expect(after).toHaveCount(1, { timeout: 30_000 });
  await expect.poll(async () => summary(await separateJobs(page, name)), { timeout: 90_000, intervals: [1000] }).toBe("succeeded");
  await page.reload();
  await expect(after.getByRole("button", { name: "Play the vocals of after.wav" })).toBeVisible();
  await expect(after.getByRole("checkbox", { name: "Train on the vocals of after.wav" })).toBeChecked();
  await expect(before.getByRole("button", { name: "Play the vocals of before.wav" })).toHaveCount(0);

  // the file from before, on request
  await separateAll.click();
  await expect(page.getByTestId("toast").filter({ hasText: "Isolating the vocals of 1 file(s)" })).toBeVisible();
  await expect.poll(async () => summary(await separateJobs(page, name)), { timeout: 90_000, intervals: [1000] }).toBe("succeeded, succeeded");
  await page.reload();
  await expect(before.getByRole("button", { name: "Play the vocals of before.wav" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Isolate vocals in/ })).toHaveCount(0);

  // back to the mix for one file: the stems stay playable, the flag goes off
  await after.getByRole("checkbox", { name: "Train on the vocals of after.wav" }).uncheck();
  await expect(page.getByTestId("toast").filter({ hasText: "“after.wav” trains on its mix again" })).toBeVisible();
  await page.reload();
  await expect(after.getByRole("checkbox", { name: "Train on the vocals of after.wav" })).not.toBeChecked();
  await expect(after.getByRole("button", { name: "Play the vocals of after.wav" })).toBeVisible();
  const files = ((await (await page.request.get(`/api/experiments/${name}/files`)).json()) as { files: { name: string; useVocals: boolean }[] }).files;
  expect(Object.fromEntries(files.map((f) => [f.name, f.useVocals]))).toEqual({ "before.wav": true, "after.wav": false });

  await shots(page, "isolate-switch", page.getByRole("form", { name: "Settings" }).getByLabel("Isolate vocals of every new upload"));
});

test("the System page lists the separation model with its path", async ({ page }) => {
  await page.goto("/system");
  const row = page.getByTestId("asset-separation");
  await expect(row).toContainText("Vocal separation model");
  await expect(row).toContainText("present");
  const health = (await (await page.request.get("/api/health")).json()) as { assets: { separation: boolean; detail: { separation: { path: string } } } };
  expect(health.assets.separation).toBe(true);
  await expect(row.locator("code")).toHaveText(health.assets.detail.separation.path);
  await shots(page, "system-assets", row);
});

async function fileId(page: import("@playwright/test").Page, name: string): Promise<string> {
  const res = await page.request.get(`/api/experiments/${name}/files`);
  const files = ((await res.json()) as { files: { id: string; name: string }[] }).files;
  return files.find((f) => f.name === "song.wav")!.id;
}
