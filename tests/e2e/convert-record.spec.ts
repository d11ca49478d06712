import { expect, test } from "@playwright/test";
import config from "../../playwright.config";
import { chooseModelAndYin, expectFinishedResult, peaks, skipReason, tinyModel } from "./convert-helpers";

// Chromium's fake microphone (a beeping tone) and an auto-accepted permission prompt. A file of its own because
// launch options apply to a whole worker; the config's browser path and flags are kept.
const base = config.use?.launchOptions ?? {};
test.use({ launchOptions: { ...base, args: [...(base.args ?? []), "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"] } });

test.skip(skipReason !== null, skipReason ?? "");

test("record from the microphone, send it as a WAV and convert it", async ({ page, request }) => {
  test.setTimeout(300_000);
  const model = await tinyModel(request);
  await page.goto("/convert");
  await chooseModelAndYin(page, model.id);

  await page.getByRole("button", { name: "Record" }).click();
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
  await page.waitForTimeout(2500);
  await page.getByRole("button", { name: "Stop" }).click();

  const preview = page.getByTestId("input-preview");
  await expect(preview).toContainText(/recording-.*\.wav/, { timeout: 15_000 });
  await expect.poll(() => peaks(preview.getByTestId("waveform"))).toBeGreaterThan(0);

  await page.getByRole("button", { name: "Convert", exact: true }).click();
  await expectFinishedResult(page);
  await expect(page.getByRole("table", { name: "Recent conversions" }).getByTestId("conversion-row").first()).toContainText(/recording-.*\.wav/);

  // the server got a plain 16-bit PCM WAV, as the browser wrote it
  const { conversions } = (await (await request.get("/api/conversions?limit=1")).json()) as { conversions: { inputUrl: string }[] };
  const input = Buffer.from(await (await request.get(conversions[0]!.inputUrl)).body());
  expect(input.subarray(0, 4).toString("latin1")).toBe("RIFF");
  expect(input.subarray(8, 12).toString("latin1")).toBe("WAVE");
  expect(input.readUInt16LE(20)).toBe(1);
  expect(input.readUInt16LE(34)).toBe(16);
});
