import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { trainSkipReason, writeTinyConfig } from "./train-helpers";

test.skip(trainSkipReason !== null, trainSkipReason ?? "");

const SHOTS = path.resolve("test-reports", "screenshots");

test("Checkpoints card: validation per epoch, the recommended one, two previews that play, a blind A/B, publish epoch 1 → the Models page", async ({ page, request }) => {
  test.setTimeout(420_000);
  const name = "e2e-ckpt";
  expect((await request.post("/api/experiments", { data: { name, sampleRate: 32000 } })).status()).toBe(201);
  writeTinyConfig(name);
  // two recordings: enough slices for the held-out clips (at least 4)
  const speech = ["The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.", "It is easy to tell the depth of a well. These days a chicken leg is a rare dish. Rice is often served in round bowls."].map((t, i) => {
    const f = path.join(process.env.E2E_DATA_ROOT!, `ckpt-speech${i}.wav`);
    execFileSync("espeak-ng", ["-w", f, t]);
    return f;
  });

  await page.goto(`/experiments/${name}`);
  // the Train form's validation fields say what is wrong before anything is sent
  const training = page.getByRole("region", { name: "Training" });
  await training.getByLabel("Held-out clips (%)").fill("60");
  await expect(training.getByText("enter a share from 0 to 50 %")).toBeVisible();
  await training.getByLabel("Held-out clips (%)").fill("5");
  await training.getByLabel("Early stop after N checkpoints").fill("1.5");
  await expect(training.getByText(/enter a whole number of checkpoints/)).toBeVisible();
  await training.getByLabel("Preview clip").selectOption("slice");
  await training.getByLabel("Slice name").fill("../x");
  await expect(training.getByText(/enter a slice name like/)).toBeVisible();
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [width, scheme] of [[1280, "light"], [390, "dark"]] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await training.screenshot({ path: path.join(SHOTS, `train-form-${width}-${scheme}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
  await training.getByLabel("Early stop after N checkpoints").fill("");
  await training.getByLabel("Preview clip").selectOption("");
  await expect(training.getByLabel("Preview clip")).toHaveValue("");
  await page.getByLabel("Choose files").setInputFiles(speech);
  await expect(page.getByRole("region", { name: "Pipeline" }).locator('[data-stage="upload"]')).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  expect((await request.post(`/api/experiments/${name}/pipeline`, { data: { epochs: 3, batchSize: 2, saveEvery: 1, pretrained: "none" } })).status()).toBe(202);
  await expect(page.getByTestId("model-row")).toContainText(`${name} · 32k v2 · 3 epochs`, { timeout: 300_000 });

  await page.reload();
  const card = page.getByRole("region", { name: "Checkpoints" });
  await expect(card.getByTestId("checkpoint-row")).toHaveCount(3);
  await expect(card.getByTestId("heldout-note")).toContainText(/held-out clips/);
  await expect(card.getByTestId("heldout-note")).toContainText(/Recommended: epoch \d \(lowest validation mel L1 over 3 checkpoints\)/);
  await expect(card.getByText("recommended", { exact: true })).toHaveCount(1);
  await expect(card.getByTestId("checkpoint-row").nth(2)).toContainText("the model");

  // every row: a play button and the preview's small waveform
  await expect(card.getByTestId("preview-wave")).toHaveCount(3);
  // two previews play, one at a time
  const audio1 = card.getByLabel("Preview of epoch 1", { exact: true });
  const audio2 = card.getByLabel("Preview of epoch 2", { exact: true });
  expect((await request.get((await audio1.getAttribute("src"))!)).headers()["content-type"]).toBe("audio/wav");
  await card.getByRole("button", { name: "Play Preview of epoch 1" }).click();
  await expect.poll(() => audio1.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(0);
  await card.getByRole("button", { name: "Play Preview of epoch 2" }).click();
  await expect.poll(() => audio2.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(0);
  expect(await audio1.evaluate((a: HTMLAudioElement) => a.paused)).toBe(true);
  await card.getByRole("button", { name: "Pause Preview of epoch 2" }).click();

  // blind A/B of epochs 1 and 3: the clips name no epoch until the answer
  await card.getByLabel("Compare epoch 1").check();
  await card.getByLabel("Compare epoch 3").check();
  await card.getByRole("button", { name: "Start blind A/B" }).click();
  const ab = card.getByRole("group", { name: "Blind A/B" });
  await expect(ab).toBeVisible();
  for (const l of ["A", "B"]) {
    const src = (await ab.getByLabel(`clip ${l}`, { exact: true }).getAttribute("src"))!;
    expect(src).toMatch(new RegExp(`/listening-tests/[0-9a-f-]{36}/audio/${l}$`));
  }
  await expect(ab).not.toContainText(/epoch \d/);
  await ab.getByRole("button", { name: "Play clip A" }).click();
  await expect.poll(() => ab.getByLabel("clip A", { exact: true }).evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(0);
  await ab.screenshot({ path: path.join(SHOTS, "checkpoints-ab-1280-light.png") });
  await ab.getByRole("button", { name: "A is better" }).click();
  const reveal = card.getByTestId("ab-reveal");
  await expect(reveal).toContainText(/A was epoch [13], B was epoch [13]: you chose A, epoch [13]\./);
  const winner = Number(/you chose A, epoch (\d)/.exec((await reveal.textContent())!)![1]);
  const loser = winner === 1 ? 3 : 1;
  await expect(card.locator(`[data-epoch="${winner}"]`).getByTestId("ab-record")).toHaveText("A/B 1–0");
  await expect(card.locator(`[data-epoch="${loser}"]`).getByTestId("ab-record")).toHaveText("A/B 0–1");
  // stored: the API and a reload show it
  const tests = await (await request.get(`/api/experiments/${name}/listening-tests`)).json();
  expect(tests.tests[0]).toMatchObject({ status: "answered", choice: "A", winner });
  await page.reload();
  await card.getByText(/Listening tests \(1\)/).click();
  await expect(card.getByTestId("ab-history")).toContainText(`epoch ${winner} better`);

  // the card at both widths, light and dark: no sideways scrolling, no serious axe findings; screenshots to look at
  const problems: string[] = [];
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await card.getByLabel("Compare epoch 2").check();
      await card.getByLabel("Compare epoch 3").check();
      await card.screenshot({ path: path.join(SHOTS, `checkpoints-card-${width}-${scheme}.png`) });
      await card.getByLabel("Compare epoch 2").uncheck();
      await card.getByLabel("Compare epoch 3").uncheck();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) problems.push(`${width}px ${scheme}: scrolls sideways by ${overflow}px`);
      const axe = await new AxeBuilder({ page }).include('[aria-label="Checkpoints"]').withTags(["wcag2a", "wcag2aa"]).analyze();
      for (const v of axe.violations.filter((x) => x.impact === "serious" || x.impact === "critical")) problems.push(`${width}px ${scheme}: axe ${v.id}`);
    }
  }
  expect(problems, problems.join("\n")).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 900 });

  // publish epoch 1 through the confirm dialog
  await card.getByRole("button", { name: "Publish epoch 1" }).click();
  const dialog = page.getByRole("dialog", { name: "Publish epoch 1?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Publish epoch 1" }).click();
  await expect(card.getByRole("status")).toContainText("Publishing epoch 1");
  await expect
    .poll(async () => (await (await request.get(`/api/experiments/${name}/checkpoints`)).json()).checkpoints.find((c: { published: boolean }) => c.published)?.epoch, { timeout: 120_000 })
    .toBe(1);
  await page.goto("/models");
  // the Epochs column (Name, Rate, Version, Pitch, Epochs, …) says 1
  await expect(page.getByRole("table", { name: "Models" }).getByRole("row").filter({ hasText: name }).getByRole("cell").nth(4)).toHaveText("1");
  await page.getByRole("table", { name: "Models" }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
});
