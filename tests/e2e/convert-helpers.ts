/** Shared by the conversion specs: a tiny imported model, speech clips, and the checks of a finished result. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { tinyModels } from "../helpers/tiny-models";

const PY = "/usr/bin/python3";
const MODEL_NAME = "e2e-convert-voice";

const hasTorch = (() => {
  try {
    execFileSync(PY, ["-c", "import torch, onnx"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const tiny = tinyModels();

/** Why the conversion specs cannot run here, or null. */
export const skipReason: string | null = !hasTorch
  ? `${PY} lacks torch/onnx (needed to make the model and its ONNX export): apt-get install python3-torch python3-onnx`
  : !tiny.ok
    ? tiny.reason
    : null;

const dataRoot = () => process.env.E2E_DATA_ROOT!;

type Model = { id: string; name: string; files: { kind: string }[] };

/**
 * A model without training: our trainer package saves a randomly initialised tiny v2 model (32 kHz), it is imported
 * through the API, and the worker's export job adds the ONNX file that conversion runs. Made once per server; a
 * later spec file finds it by name.
 */
export async function tinyModel(request: APIRequestContext): Promise<Model> {
  const { models } = (await (await request.get("/api/models")).json()) as { models: Model[] };
  let model = models.find((m) => m.name === MODEL_NAME);
  if (!model) {
    // scripts/make-random-model.py also writes an ONNX file; only the .pth is imported, so the export job runs
    execFileSync(PY, ["scripts/make-random-model.py", "--tiny", "--index-rows", "0", "--out", dataRoot(), "--name", MODEL_NAME], { stdio: "ignore" });
    const pth = path.join(dataRoot(), `${MODEL_NAME}.pth`);
    const res = await request.post("/api/models/import", {
      multipart: { pth: { name: `${MODEL_NAME}.pth`, mimeType: "application/octet-stream", buffer: fs.readFileSync(pth) }, name: MODEL_NAME },
    });
    expect(res.status(), await res.text()).toBe(201);
    model = ((await res.json()) as { model: Model }).model;
  }
  const id = model.id;
  await expect
    .poll(async () => ((await (await request.get(`/api/models/${id}`)).json()) as Model).files.map((f) => f.kind), { timeout: 180_000, intervals: [1000] })
    .toContain("onnx");
  return model;
}

export function speech(name: string, text: string): string {
  const file = path.join(dataRoot(), name);
  execFileSync("espeak-ng", ["-w", file, text]);
  return file;
}

export const peaks = async (canvas: Locator) => Number(await canvas.getAttribute("data-peaks"));

export async function chooseModelAndYin(page: Page, modelId: string) {
  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption(modelId);
  await page.getByLabel("Pitch method").selectOption("yin");
}

/** Waits for the result area to show a finished conversion, then checks both players and waveforms. */
export async function expectFinishedResult(page: Page): Promise<Locator> {
  const result = page.getByRole("region", { name: "Result" });
  const converted = result.getByLabel("Converted audio", { exact: true });
  await expect(converted).toBeVisible({ timeout: 180_000 });
  await expect(result.getByLabel("Input audio", { exact: true })).toBeVisible();
  await expect(result.getByTestId("waveform")).toHaveCount(2);
  for (const w of await result.getByTestId("waveform").all()) await expect.poll(() => peaks(w), { timeout: 30_000 }).toBeGreaterThan(0);
  // the output really plays: muted, so the autoplay policy allows play() without a click
  await converted.evaluate((el: HTMLAudioElement) => {
    el.muted = true;
    return el.play();
  });
  await expect.poll(() => converted.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 15_000 }).toBeGreaterThan(0);
  return result;
}

export async function conversionCount(request: APIRequestContext): Promise<number> {
  const res = await request.get("/api/conversions?limit=100");
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { conversions: unknown[] }).conversions.length;
}
