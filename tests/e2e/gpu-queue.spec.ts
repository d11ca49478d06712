/**
 * A training that demands a GPU on a studio whose only worker has no GPU (issue 20): it waits in the `train-gpu`
 * queue, and the job JSON, the Jobs page, the job page and the System page say it waits for a GPU worker.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { deleteExperiments } from "./page-helpers";

/** The new lines are readable: axe (WCAG 2 A/AA) finds nothing serious or critical on the page. */
async function axeClean(page: Page) {
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
}

const EXP = "e2e-gpu-queue";

test.afterAll(async ({ playwright }) => deleteExperiments(playwright, [EXP]));

test("a fp16 training with no GPU worker shows 'waiting for a GPU worker' everywhere, and cancels", async ({ page, request }) => {
  expect((await request.post("/api/experiments", { data: { name: EXP } })).status()).toBe(201);
  const res = await request.post(`/api/experiments/${EXP}/train`, { data: { precision: "fp16", epochs: 1 } });
  expect(res.status()).toBe(202);
  const { job } = await res.json();

  const json = await (await request.get(`/api/jobs/${job.id}`)).json();
  expect(json.queue).toMatchObject({ name: "train-gpu", waitingFor: "waiting for a GPU worker with PyTorch" });

  await page.goto(`/jobs?experiment=${EXP}`);
  await expect(page.getByTestId("job-standing").first()).toHaveText("waiting for a GPU worker with PyTorch");
  await axeClean(page);
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("job-standing")).toHaveText("Queued: waiting for a GPU worker with PyTorch");
  await axeClean(page);
  await page.goto("/system");
  await expect(page.getByTestId("unserved-jobs")).toContainText("1 train job that needs a GPU waiting for a GPU worker with PyTorch");
  await axeClean(page);

  expect((await request.post(`/api/jobs/${job.id}/cancel`)).status()).toBe(202);
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("cancelled");
  await expect(page.getByTestId("job-standing")).toHaveCount(0);
});
