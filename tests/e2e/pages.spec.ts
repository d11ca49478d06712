/**
 * Every page in a real browser (issue 18): empty and filled, at 1280 and 390 px, light and dark. Each view must not
 * scroll sideways, must log no console error, and axe (WCAG 2 A/AA) must find nothing serious or critical. A
 * full-page screenshot of each view is kept in test-reports/screenshots/<page>-<state>-<width>-<scheme>.png (the
 * folder scripts/test.sh keeps; Playwright empties test-results when it starts).
 */
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { deleteExperiments } from "./page-helpers";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { speechWav, tempDir } from "../helpers/audio-fixtures";
import { skipReason as noModelReason, tinyModel } from "./convert-helpers";

const SHOTS = path.resolve("test-reports", "screenshots");
const WIDTHS = [1280, 390] as const;
const SCHEMES = ["light", "dark"] as const;
const EMPTY_EXP = "e2e-pages-empty";
const EXP = "e2e-pages";
const dir = tempDir("vs-e2e-pages-");
let conversionId: string | null = null;
let webhookId: string | null = null;

test.beforeAll(() => fs.mkdirSync(SHOTS, { recursive: true }));
test.afterAll(async ({ playwright }) => {
  fs.rmSync(dir, { recursive: true, force: true });
  // later specs count jobs and experiments: this spec's go again
  await deleteExperiments(playwright, [EMPTY_EXP, EXP], [...(conversionId ? [`/api/conversions/${conversionId}`] : []), ...(webhookId ? [`/api/webhooks/${webhookId}`] : [])]);
});

/** Problems of one view, as readable lines (empty = fine). */
async function checkView(page: Page, errors: string[], name: string, url: string, width: number, scheme: "light" | "dark"): Promise<string[]> {
  errors.length = 0;
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: scheme });
  const res = await page.goto(url);
  expect(res?.status(), `${url} answers`).toBeLessThan(400);
  // pages that stream job events never go network-idle: the load event and a settled layout are enough there
  await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => undefined);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, `${name}-${width}-${scheme}.png`), fullPage: true });

  const problems: string[] = [];
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) problems.push(`scrolls sideways by ${overflow}px`);
  for (const e of errors) problems.push(`console: ${e}`);
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  for (const v of axe.violations.filter((x) => x.impact === "serious" || x.impact === "critical")) {
    problems.push(`axe ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")}`);
  }
  return problems.map((p) => `${name} ${width}px ${scheme}: ${p}`);
}

/** Opens each page at both widths in both schemes; fails listing every problem found. */
async function checkPages(page: Page, state: string, pages: [string, string][]) {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  const problems: string[] = [];
  for (const [name, url] of pages) {
    for (const width of WIDTHS) {
      for (const scheme of SCHEMES) problems.push(...(await checkView(page, errors, `${name}-${state}`, url, width, scheme)));
    }
  }
  expect(problems, problems.join("\n")).toEqual([]);
}

async function loggedOut(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: {} });
  return context.newPage();
}

test("logged out: the login page", async ({ browser, baseURL }) => {
  const page = await loggedOut(browser, baseURL!);
  await checkPages(page, "empty", [["login", "/login"]]);
  // setup is over (onboarding made the admin): /setup sends to the login page, which was checked above
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login/);
  await page.context().close();
});

test("every page before this spec adds anything, and a fresh experiment", async ({ page, request }) => {
  test.setTimeout(300_000);
  expect((await request.post("/api/experiments", { data: { name: EMPTY_EXP } })).status()).toBe(201);
  await checkPages(page, "empty", [
    ["experiments", "/"],
    ["experiment", `/experiments/${EMPTY_EXP}`],
    ["models", "/models"],
    ["convert", "/convert"],
    ["jobs", "/jobs?experiment=nothing-matches"],
    ["webhooks", "/webhooks"],
    ["system", "/system"],
    ["account", "/account"],
    ["users", "/admin/users"],
    ["activity", "/admin/activity"],
  ]);
});

test("every page filled: an experiment with a file and a finished job, a model, a conversion, a token", async ({ page, request }) => {
  test.setTimeout(480_000);
  expect((await request.post("/api/experiments", { data: { name: EXP } })).status()).toBe(201);
  await page.goto(`/experiments/${EXP}`);
  await page.getByLabel("Choose files").setInputFiles(speechWav(dir, "a first take made at home with a rather long name.wav", "A first recording of the voice."));
  await expect(page.getByTestId("file-row")).toHaveCount(1, { timeout: 30_000 });
  expect((await request.post(`/api/experiments/${EXP}/preprocess`, { data: {} })).status()).toBe(202);
  let jobId = "";
  await expect
    .poll(
      async () => {
        // (the dataset doctor's analyze jobs run beside it)
        const { jobs } = (await (await request.get(`/api/jobs?experiment=${EXP}&kind=preprocess`)).json()) as { jobs: { id: string; status: string }[] };
        jobId = jobs[0]?.id ?? "";
        return jobs[0]?.status;
      },
      { timeout: 90_000 },
    )
    .toBe("succeeded");
  expect((await request.post("/api/tokens", { data: { name: "pages spec", scope: "read" } })).status()).toBe(201);
  // an endpoint that no event of this spec reaches (nothing fails here), so the worker sends nothing
  const hook = await request.post("/api/webhooks", {
    data: { url: "https://hooks.example.com/voice-studio/a-rather-long-path-for-a-narrow-screen", description: "pages spec receiver", events: ["job.failed"] },
  });
  expect(hook.status(), await hook.text()).toBe(201);
  webhookId = ((await hook.json()) as { webhook: { id: string } }).webhook.id;

  const { files: uploaded } = (await (await request.get(`/api/experiments/${EXP}/files`)).json()) as { files: { id: string }[] };
  const pages: [string, string][] = [
    ["experiments", "/"],
    ["experiment", `/experiments/${EXP}`],
    ["file", `/experiments/${EXP}/files/${uploaded[0]!.id}`],
    ["jobs", "/jobs"],
    ["job", `/jobs/${jobId}`],
    ["webhooks", "/webhooks"],
    ["system", "/system"],
    ["account", "/account"],
    ["users", "/admin/users"],
    ["activity", "/admin/activity"],
  ];
  if (noModelReason === null) {
    const model = await tinyModel(request);
    const { files } = (await (await request.get(`/api/experiments/${EXP}/files`)).json()) as { files: { id: string }[] };
    const res = await request.post("/api/conversions", { data: { modelId: model.id, fileId: files[0]!.id, f0Method: "yin" } });
    expect(res.status(), await res.text()).toBe(202);
    const { conversion } = (await res.json()) as { conversion: { id: string } };
    conversionId = conversion.id;
    await expect
      .poll(async () => ((await (await request.get(`/api/conversions/${conversion.id}`)).json()) as { status: string }).status, { timeout: 180_000 })
      .toMatch(/succeeded|failed/);
    pages.push(["models", "/models"], ["model", `/models/${model.id}`], ["convert", "/convert"]);
  } else {
    test.info().annotations.push({ type: "skipped part", description: `no model or conversion: ${noModelReason}` });
  }
  await checkPages(page, "filled", pages);
});

test("the confirm dialog: focus on Cancel, Escape keeps the file, axe-clean in both schemes and widths; a toast says what was removed", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`/experiments/${EXP}`);
  const rows = page.getByTestId("file-row");
  await expect(rows).toHaveCount(1);
  const name = (await rows.first().getByRole("button", { name: /^Remove / }).getAttribute("aria-label"))!;
  const problems: string[] = [];
  for (const width of WIDTHS) {
    for (const scheme of SCHEMES) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByRole("button", { name }).click();
      const dialog = page.getByRole("dialog", { name: "Remove this file?" });
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
      await page.screenshot({ path: path.join(SHOTS, `confirm-dialog-${width}-${scheme}.png`) });
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
      for (const v of axe.violations.filter((x) => x.impact === "serious" || x.impact === "critical")) problems.push(`${width}px ${scheme}: axe ${v.id}`);
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
      await expect(rows).toHaveCount(1);
    }
  }
  expect(problems, problems.join("\n")).toEqual([]);
  await page.getByRole("button", { name }).click();
  await page.getByRole("dialog", { name: "Remove this file?" }).getByRole("button", { name: "Remove" }).click();
  await expect(rows).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Notifications" }).getByTestId("toast")).toContainText("Removed “a first take made at home");
  await page.screenshot({ path: path.join(SHOTS, "toast-390-dark.png") });
  expect(errors).toEqual([]);
});
