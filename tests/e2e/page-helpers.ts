/**
 * Small steps several specs share: drop files on the upload zone, remove what a spec made for the later specs, check
 * and screenshot a page at both widths in both schemes.
 */
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page, type PlaywrightWorkerArgs } from "@playwright/test";

const SHOTS = path.resolve("test-reports", "screenshots");

/** Drop these files on the experiment page's upload zone, as a user dragging them from their desktop would. */
export async function dropFiles(page: Page, files: string[], type = "audio/wav"): Promise<void> {
  const payload = files.map((f) => ({ name: path.basename(f), b64: fs.readFileSync(f).toString("base64") }));
  const dt = await page.evaluateHandle(
    ({ list, type }) => {
      const d = new DataTransfer();
      for (const f of list) d.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type }));
      return d;
    },
    { list: payload, type },
  );
  await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: dt });
}

/** Delete experiments (and with them their jobs) through the API with the spec's own session: later specs count them. */
export async function deleteExperiments(playwright: PlaywrightWorkerArgs["playwright"], names: string[], more: string[] = []): Promise<void> {
  const use = test.info().project.use;
  const api = await playwright.request.newContext({ baseURL: use.baseURL, storageState: use.storageState, extraHTTPHeaders: use.extraHTTPHeaders });
  for (const name of names) await api.delete(`/api/experiments/${encodeURIComponent(name)}`);
  for (const url of more) await api.delete(url);
  await api.dispose();
}

/** 1280 and 390 px, light and dark: no sideways scrolling, a full-page screenshot, no axe violations. */
export async function shots(page: Page, prefix: string, visible: Locator): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await expect(visible).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `sideways scrolling at ${width}px ${scheme}`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SHOTS, `${prefix}-${width}-${scheme}.png`), fullPage: true });
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
}
