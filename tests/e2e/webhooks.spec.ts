/**
 * The Webhooks page as a member of the team uses it, at phone width in dark mode: add an endpoint (the secret is
 * shown once), send a test event to a receiver on this machine (which checks the signature), see the delivery in the
 * log, redeliver it (same webhook-id), disable the endpoint, delete it.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";

const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200).end("ok");
  });
});

test.beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
});
test.afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function signatureValid(secret: string, r: { headers: http.IncomingHttpHeaders; body: string }) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(`${r.headers["webhook-id"]}.${r.headers["webhook-timestamp"]}.${r.body}`).digest("base64");
  return String(r.headers["webhook-signature"]).split(" ").includes(`v1,${mac}`);
}

test("add an endpoint, see its secret once, send a test event, read the log, redeliver, disable, delete (390 px, dark)", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks" })).toBeVisible();

  const form = page.getByRole("form", { name: "New webhook endpoint" });
  await form.getByLabel("URL").fill(url);
  await form.getByLabel("Description").fill("e2e receiver");
  await form.getByRole("checkbox", { name: "job.failed" }).check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);

  const row = page.getByTestId("webhook-row").filter({ hasText: url });
  await expect(row).toContainText("job.failed");
  await expect(row).toContainText("enabled");
  await page.getByRole("button", { name: "Done, hide it" }).click();
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);

  // a test event reaches the receiver, signed; the log shows it delivered with 200
  await row.getByRole("button", { name: "Send test event" }).click();
  const log = row.getByTestId("delivery-log");
  await expect(log.getByTestId("delivery-row").first()).toContainText("succeeded", { timeout: 30_000 });
  await expect(log.getByTestId("delivery-code").first()).toHaveText("200");
  expect(received).toHaveLength(1);
  expect(signatureValid(secret, received[0]!)).toBe(true);
  expect(JSON.parse(received[0]!.body).type).toBe("ping");

  // no horizontal scroll at 390 px with the log open
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "test-reports/screenshots/webhooks-log-390-dark.png", fullPage: true });

  // redeliver: a second attempt of the same message
  await log.getByRole("button", { name: /Redeliver ping attempt 1/ }).click();
  await expect(log.getByTestId("delivery-row")).toHaveCount(2);
  await expect(log.getByTestId("delivery-row").first()).toContainText("succeeded", { timeout: 30_000 });
  await expect.poll(() => received.length).toBe(2);
  expect(received[1]!.headers["webhook-id"]).toBe(received[0]!.headers["webhook-id"]);
  expect(signatureValid(secret, received[1]!)).toBe(true);

  // disable: the test button is off; delete: the row is gone
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("disabled");
  await expect(row.getByRole("button", { name: "Send test event" })).toBeDisabled();
  // a new secret and the delete ask first in the app's dialog: Cancel keeps the endpoint
  await row.getByRole("button", { name: "New secret" }).click();
  await page.getByRole("dialog", { name: "Make a new secret?" }).getByRole("button", { name: "Make a new secret" }).click();
  const rotated = (await row.getByTestId("webhook-secret").textContent())!.trim();
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(secret);
  await row.getByRole("button", { name: "Done, hide it" }).click();
  await row.getByRole("button", { name: `Delete webhook ${url}` }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this webhook?" });
  await expect(dialog).toContainText(url);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: `Delete webhook ${url}` }).click();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByTestId("webhook-row").filter({ hasText: url })).toHaveCount(0);
  await expect(page.getByTestId("toast").filter({ hasText: `Deleted the webhook to ${url}` })).toBeVisible();
});
