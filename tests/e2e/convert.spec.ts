import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { CONVERSION_DEFAULTS, CONVERSION_FIELDS, CONVERSION_PARAM_NAMES } from "../../lib/conversion-params";
import { chooseModelAndYin, conversionCount, expectFinishedResult, peaks, skipReason, speech, tinyModel } from "./convert-helpers";

test.skip(skipReason !== null, skipReason ?? "");

test("convert an uploaded clip with a model, play and download the result, find it in the history", async ({ page, request }) => {
  test.setTimeout(360_000);
  const model = await tinyModel(request);
  const clip = speech("e2e-convert-input.wav", "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.");

  await page.goto("/convert");
  await expect(page.getByRole("heading", { name: "Convert", level: 1 })).toBeVisible();
  // every setting from the shared table is on the page with its help line and upstream's default
  for (const name of CONVERSION_PARAM_NAMES) {
    await expect(page.getByLabel(CONVERSION_FIELDS[name].label)).toHaveValue(String(CONVERSION_DEFAULTS[name]));
    await expect(page.getByText(CONVERSION_FIELDS[name].help)).toBeVisible();
  }

  await chooseModelAndYin(page, model.id);
  await page.getByLabel("Audio file").setInputFiles(clip);
  await expect.poll(() => peaks(page.getByTestId("input-preview").getByTestId("waveform"))).toBeGreaterThan(0);

  // Reset restores upstream's defaults; then set the run's own values
  await page.getByLabel("Pitch shift (semitones)").fill("3");
  await page.getByRole("button", { name: "Reset to defaults" }).click();
  await expect(page.getByLabel("Pitch shift (semitones)")).toHaveValue(String(CONVERSION_DEFAULTS.pitch));
  await expect(page.getByLabel("Pitch method")).toHaveValue(CONVERSION_DEFAULTS.f0Method);
  await page.getByLabel("Pitch method").selectOption("yin");
  await page.getByLabel("Pitch shift (semitones)").fill("2");

  await page.getByRole("button", { name: "Convert", exact: true }).click();
  const result = await expectFinishedResult(page);

  const row = page.getByRole("table", { name: "Recent conversions" }).getByTestId("conversion-row").filter({ hasText: "e2e-convert-input.wav" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("e2e-convert-voice");
  await expect(row).toContainText("+2 st · yin");
  await expect(row).toHaveAttribute("data-status", "succeeded");
  // the Jobs page names the model and the clip of a convert job (it has no experiment)
  const jobs = await page.context().newPage();
  await jobs.goto("/jobs?kind=convert");
  await expect(jobs.getByTestId("job-subject").first()).toHaveText("e2e-convert-voice ← e2e-convert-input.wav");
  await jobs.close();

  const download = page.waitForEvent("download");
  await result.getByRole("link", { name: "Download" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.wav$/);
  expect(fs.readFileSync((await file.path())!).subarray(0, 4).toString("latin1")).toBe("RIFF");

  // after a reload the history still has it, and picking it shows it again
  await page.reload();
  await expect(row).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Result" }).getByLabel("Converted audio")).toHaveCount(0);
  await row.getByRole("button", { name: "Show" }).click();
  await expectFinishedResult(page);

  // delete removes it from the history, the result area and the API
  const { conversions } = (await (await request.get("/api/conversions")).json()) as { conversions: { id: string; inputName: string }[] };
  const id = conversions.find((c) => c.inputName === "e2e-convert-input.wav")!.id;
  await row.getByRole("button", { name: /^Delete/ }).click();
  // asked first; Escape keeps it, the dialog's Delete deletes
  const dialog = page.getByRole("dialog", { name: "Delete this conversion?" });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: /^Delete/ }).click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId("toast").filter({ hasText: "Conversion deleted" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Result" }).getByLabel("Converted audio", { exact: true })).toHaveCount(0);
  expect((await request.get(`/api/conversions/${id}`)).status()).toBe(404);
});

test("a text file named .wav is refused with the API's message and nothing is added to the history", async ({ page, request }) => {
  test.setTimeout(240_000);
  const model = await tinyModel(request);
  const before = await conversionCount(request);

  // the model's page links here with the model chosen
  await page.goto(`/models/${model.id}`);
  await page.getByRole("link", { name: "Convert with this model" }).click();
  await expect(page.getByRole("combobox", { name: "Model", exact: true })).toHaveValue(model.id);
  await page.getByLabel("Pitch method").selectOption("yin");
  await page.getByLabel("Audio file").setInputFiles({ name: "notes.wav", mimeType: "audio/wav", buffer: Buffer.from("These are meeting notes, not audio.\n".repeat(20)) });
  // the browser cannot draw it either, and says so
  await expect(page.getByTestId("input-preview")).toContainText("Cannot draw the waveform");
  await page.getByRole("button", { name: "Convert", exact: true }).click();

  const error = page.getByTestId("convert-error");
  await expect(error).toBeVisible({ timeout: 30_000 });
  // the API's own explanation naming the file, not a bare status
  await expect(error).toContainText("notes.wav");
  await expect(error).not.toContainText("failed with HTTP");
  await expect(page.getByRole("region", { name: "Result" }).getByLabel("Converted audio")).toHaveCount(0);
  expect(await conversionCount(request)).toBe(before);
  await expect(page.getByTestId("conversion-row").filter({ hasText: "notes.wav" })).toHaveCount(0);
});
