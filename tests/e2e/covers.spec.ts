// Song covers on the Convert page (issue 19, part 2): with the tiny voice model and the MDX-shaped separation
// stand-in (tests/e2e/server.ts), a song-like clip in song mode becomes a cover; its mix plays, its stems answer as
// WAV; a second cover with other gains shows separation and conversion as cached. Screenshots of song mode at 1280
// and 390 px, light and dark, in test-reports/screenshots/convert-song-*.png.
import fs from "node:fs";
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { COVER_DEFAULTS, COVER_FIELDS, COVER_PARAM_NAMES } from "../../lib/cover-params";
import { songLikeWav, tempDir } from "../helpers/audio-fixtures";
import { chooseModelAndYin, peaks, skipReason, tinyModel } from "./convert-helpers";
import { shots } from "./page-helpers";

test.skip(skipReason !== null, skipReason ?? "");

const SONG = "e2e-cover-song.wav";
const dir = tempDir("vs-e2e-covers-");
const made: string[] = [];

test.afterAll(async ({ playwright }) => {
  fs.rmSync(dir, { recursive: true, force: true });
  // later specs count conversions: this spec's go again
  const use = test.info().project.use;
  const api = await playwright.request.newContext({ baseURL: use.baseURL, storageState: use.storageState, extraHTTPHeaders: use.extraHTTPHeaders });
  for (const id of made) await api.delete(`/api/conversions/${id}`);
  await api.dispose();
});

const stepState = (page: Page, stage: string) => page.getByRole("region", { name: "Result" }).locator(`[data-testid="cover-step"][data-step="${stage}"]`);

/** The audio behind a player or a link answers 200 audio/wav with a RIFF header. */
async function expectWav(request: APIRequestContext, url: string | null) {
  expect(url).toBeTruthy();
  const res = await request.get(url!);
  expect(res.status(), `${url}`).toBe(200);
  expect(res.headers()["content-type"]).toBe("audio/wav");
  expect((await res.body()).subarray(0, 4).toString("latin1")).toBe("RIFF");
}

/** The player really plays: muted, so the autoplay policy allows play() without a click. */
async function expectPlays(player: Locator) {
  await player.evaluate((el: HTMLAudioElement) => {
    el.muted = true;
    return el.play();
  });
  await expect.poll(() => player.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 15_000 }).toBeGreaterThan(0);
  await player.evaluate((el: HTMLAudioElement) => el.pause());
}

/** Waits for the result area to show the finished cover whose mix line is `mix`; returns the result region. */
async function finishedCover(page: Page, mix: string): Promise<Locator> {
  const result = page.getByRole("region", { name: "Result" });
  await expect(result).toContainText(mix);
  await expect(result.getByLabel("Cover mix audio", { exact: true })).toBeVisible({ timeout: 240_000 });
  return result;
}

test("a song in song mode becomes a cover: steps, mix, stems; a second mix reuses separation and conversion", async ({ page, request }) => {
  test.setTimeout(480_000);
  const model = await tinyModel(request);
  const song = songLikeWav(dir, SONG, "Sing along with the cover song, la la la, one more time.");

  await page.goto("/convert");
  // voice mode first: no mix settings
  await expect(page.getByRole("radio", { name: "Voice only" })).toBeChecked();
  await expect(page.getByTestId("cover-settings")).toHaveCount(0);
  await chooseModelAndYin(page, model.id);
  await page.getByRole("radio", { name: "Song (separate vocals first)" }).check();
  await expect(page.getByRole("button", { name: "Make cover" })).toBeDisabled();
  // every mix setting from the shared table, with its default and help line; the separation model is there
  for (const name of COVER_PARAM_NAMES) {
    await expect(page.getByLabel(COVER_FIELDS[name].label)).toHaveValue(String(COVER_DEFAULTS[name]));
    await expect(page.getByText(COVER_FIELDS[name].help)).toBeVisible();
  }
  await expect(page.getByTestId("setup-callout")).toHaveCount(0);

  // "follow the voice's transpose" copies the pitch shift, clamped to the accompaniment's ±12
  const voicePitch = page.getByLabel("Pitch shift (semitones)");
  const accPitch = page.getByLabel(COVER_FIELDS.accompanimentPitch.label);
  await voicePitch.fill("19");
  await page.getByRole("button", { name: /^Follow the voice's transpose/ }).click();
  await expect(accPitch).toHaveValue("12");
  await voicePitch.fill("2");
  await page.getByRole("button", { name: /^Follow the voice's transpose/ }).click();
  await expect(accPitch).toHaveValue("2");

  await page.getByLabel("Audio file").setInputFiles(song);
  await page.getByRole("button", { name: "Make cover" }).click();
  let result = await finishedCover(page, "vocals 0 dB · accompaniment 0 dB · accompaniment +2 st");
  // the first cover ran every step
  for (const stage of ["separating", "converting", "mixing"]) await expect(stepState(page, stage)).toHaveAttribute("data-state", "done");

  const mix = result.getByLabel("Cover mix audio", { exact: true });
  // the browser decodes the mix: its waveform is drawn beside the input's
  await expect(result.getByRole("img", { name: "Cover mix waveform" })).toBeVisible();
  await expect.poll(() => peaks(result.getByRole("img", { name: "Cover mix waveform" })), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(() => peaks(result.getByRole("img", { name: "Input waveform" })), { timeout: 30_000 }).toBeGreaterThan(0);
  // as long as the song (each waveform's caption is its length)
  const lengths = await result.locator("figure figcaption").allTextContents();
  expect(lengths).toHaveLength(2);
  expect(lengths[1]).toBe(lengths[0]);
  await expectPlays(mix);
  await expectWav(request, await mix.getAttribute("src"));
  // the converted vocals and the accompaniment: players and downloads, each a WAV
  for (const [player, link] of [
    ["Converted vocals audio", "Download the converted vocals"],
    ["Accompaniment audio", "Download the accompaniment"],
  ] as const) {
    const audio = result.getByLabel(player, { exact: true });
    await expect(audio).toBeVisible();
    await expectWav(request, await audio.getAttribute("src"));
    await expectWav(request, await result.getByRole("link", { name: link }).getAttribute("href"));
  }
  await expectPlays(result.getByLabel("Converted vocals audio", { exact: true }));
  const download = page.waitForEvent("download");
  await result.getByRole("link", { name: "Download the mix" }).click();
  expect((await download).suggestedFilename()).toMatch(/\.wav$/);

  const rows = page.getByRole("table", { name: "Recent conversions" }).getByTestId("conversion-row").filter({ hasText: SONG });
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId("cover-badge")).toHaveText("Cover");
  await expect(rows.first()).toContainText("vocals 0 dB · accompaniment 0 dB · accompaniment +2 st");
  await expect(rows.first()).toContainText("+2 st · yin");

  // other gains, same song and voice settings: only the mix is made again
  await page.getByLabel(COVER_FIELDS.vocalsGain.label).fill("3");
  await page.getByLabel(COVER_FIELDS.accompanimentGain.label).fill("-6");
  await page.getByRole("button", { name: "Make cover" }).click();
  result = await finishedCover(page, "vocals +3 dB · accompaniment −6 dB · accompaniment +2 st");
  await expect(stepState(page, "separating")).toHaveAttribute("data-state", "cached");
  await expect(stepState(page, "converting")).toHaveAttribute("data-state", "cached");
  await expect(stepState(page, "mixing")).toHaveAttribute("data-state", "done");
  await expect(stepState(page, "separating")).toContainText("cached");
  await expectPlays(result.getByLabel("Cover mix audio", { exact: true }));
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "vocals +3 dB · accompaniment −6 dB" })).toHaveCount(1);

  const { conversions } = (await (await request.get("/api/conversions?limit=100")).json()) as { conversions: { id: string; inputName: string; mode: string }[] };
  made.push(...conversions.filter((c) => c.inputName === SONG).map((c) => c.id));
  expect(conversions.filter((c) => c.inputName === SONG).map((c) => c.mode)).toEqual(["cover", "cover"]);

  // song mode with a finished cover shown, at both widths in both schemes: nothing scrolls sideways, axe is clean
  await shots(page, "convert-song", result.getByLabel("Cover mix audio", { exact: true }));
});

test("song mode says what is missing when the cover is refused for want of the separation model; voice mode is not blocked", async ({ page, request }) => {
  test.setTimeout(240_000);
  const model = await tinyModel(request);
  // the answer POST /api/covers gives without the model file (lib/separation.ts#separationModelMissing)
  const message = "The vocal separation model is missing: /srv/assets/uvr/UVR-MDX-NET-Voc_FT.onnx (SEPARATION_MODEL_PATH) does not exist.";
  await page.route("**/api/covers", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({ error: { code: "separation_model_missing", message, details: { path: "/srv/assets/uvr/UVR-MDX-NET-Voc_FT.onnx", fix: "npm run assets" } } }),
    }),
  );
  await page.goto("/convert");
  await chooseModelAndYin(page, model.id);
  await page.getByRole("radio", { name: "Song (separate vocals first)" }).check();
  await page.getByLabel("Audio file").setInputFiles(songLikeWav(dir, "e2e-refused-song.wav", "Nobody will hear this one."));
  await page.getByRole("button", { name: "Make cover" }).click();
  const callout = page.getByTestId("cover-settings").getByTestId("setup-callout");
  await expect(callout).toContainText(message);
  await expect(callout).toContainText("Fix: npm run assets");
  await expect(page.getByTestId("convert-error")).toContainText(message);
  // voice mode does not need the model: no callout, Convert can be pressed
  await page.getByRole("radio", { name: "Voice only" }).check();
  await expect(page.getByTestId("setup-callout")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Convert", exact: true })).toBeEnabled();
  await expect(page.getByTestId("conversion-row").filter({ hasText: "e2e-refused-song.wav" })).toHaveCount(0);
});
