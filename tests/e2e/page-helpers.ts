/** Small steps several specs share: drop files on the upload zone, remove what a spec made for the later specs. */
import fs from "node:fs";
import path from "node:path";
import { test, type Page, type PlaywrightWorkerArgs } from "@playwright/test";

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
