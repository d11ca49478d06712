import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { trainSkipReason, writeTinyConfig } from "./train-helpers";

test.skip(trainSkipReason !== null, trainSkipReason ?? "");

test("Checkpoints card: validation per epoch, the recommended one, a preview that plays, publish epoch 1 → the Models page", async ({ page, request }) => {
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

  // the preview of epoch 1 is a wav the browser can play
  const audio = card.getByLabel("Preview of epoch 1");
  const src = await audio.getAttribute("src");
  expect((await request.get(src!)).headers()["content-type"]).toBe("audio/wav");
  await audio.evaluate((a: HTMLAudioElement) => a.play());
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(0);

  page.once("dialog", (d) => void d.accept());
  await card.getByRole("button", { name: "Publish epoch 1" }).click();
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
