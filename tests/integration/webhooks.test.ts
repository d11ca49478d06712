/**
 * Webhooks end to end: endpoints registered through the routes, events emitted by real jobs run by a real worker
 * process, delivered to a loopback receiver (node:http) that checks each signature with its own HMAC code; a 500 is
 * retried with back-off (1 s here) and then succeeds, redelivery keeps the webhook-id, a disabled endpoint and one
 * whose filter or owner does not match get nothing.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // read by lib/config.ts in this process (emit, redeliver) and passed to the worker below
  process.env.WEBHOOK_RETRY_DELAY_SECONDS = "1";
  process.env.WEBHOOK_RETRY_LIMIT = "3";
  process.env.WEBHOOK_TIMEOUT_SECONDS = "5";
});

import * as list from "../../app/api/webhooks/route";
import * as item from "../../app/api/webhooks/[id]/route";
import * as deliveriesRoute from "../../app/api/webhooks/[id]/deliveries/route";
import * as redeliverRoute from "../../app/api/webhooks/[id]/deliveries/[deliveryId]/redeliver/route";
import * as testRoute from "../../app/api/webhooks/[id]/test/route";
import * as rotateRoute from "../../app/api/webhooks/[id]/rotate-secret/route";
import { createToken } from "../../lib/auth/api-tokens";
import { runAs } from "../../lib/auth/context";
import { createUser } from "../../lib/auth/users";
import { CONVERSION_DEFAULTS } from "../../lib/conversion-params";
import { db } from "../../lib/db";
import { cancelJob, enqueueJob } from "../../lib/jobs";
import { jobFinished, modelCreated } from "../../lib/webhooks/sources";
import { authed } from "../helpers/auth";
import { until, workerPool } from "../helpers/process";

type Json = any;
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// ───────────── the receiver: records every request; answers each path from a script, then 200 ─────────────
const received: Received[] = [];
const scripts = new Map<string, number[]>();
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const path = req.url ?? "/";
    received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    const status = scripts.get(path)?.shift() ?? 200;
    res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "no");
  });
});
let base = "";
const at = (path: string) => received.filter((r) => r.path === path);

/** The receiver's own check, written from the Standard Webhooks text (not with lib/webhooks/signing.ts). */
function signatureValid(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const content = `${r.headers["webhook-id"]}.${r.headers["webhook-timestamp"]}.${r.body}`;
  const expected = createHmac("sha256", key).update(content).digest("base64");
  const given = String(r.headers["webhook-signature"] ?? "").split(" ");
  return given.includes(`v1,${expected}`);
}

// ───────────── calling the routes ─────────────
let memberToken = "";
let memberId = "";
const adminId = () => process.env.TEST_ADMIN_ID!;

async function call(handler: unknown, method: string, url: string, opts: { params?: Record<string, string>; body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  const res = await (handler as Handler)(authed(`http://test.local${url}`, { method, headers, body }), { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : null };
}

async function createEndpoint(body: Record<string, unknown>, token?: string) {
  const r = await call(list.POST, "POST", "/api/webhooks", { body, token });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { webhook: Json; secret: string };
}

const deliveriesOf = async (id: string) => (await call(deliveriesRoute.GET, "GET", `/api/webhooks/${id}/deliveries`, { params: { id } })).body.deliveries as Json[];

const workers = workerPool();

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const member = await createUser({ name: "hook-member", password: "hook-member-password", role: "member" });
  memberId = member.id;
  memberToken = (await createToken(member.id, { name: "hooks", scope: "write" })).secret;
  const w = workers.start({ WEBHOOK_RETRY_DELAY_SECONDS: "1", WEBHOOK_RETRY_LIMIT: "3", WEBHOOK_TIMEOUT_SECONDS: "5" });
  await w.waitFor(/ready on/, 90_000);
}, 120_000);

afterAll(async () => {
  await workers.stopAll();
  // later test files share this database: no endpoints pointing at a receiver that is gone
  await db().webhookEndpoint.deleteMany({});
  await new Promise((r) => server.close(r));
  await db().$disconnect();
});

describe("webhook endpoints: input", () => {
  it("refuses bad input with the API's error shape and stores nothing; never lists secrets; members see only their own", async () => {
    const before = await db().webhookEndpoint.count();
    const bad = async (body: unknown, code: string) => {
      const r = await call(list.POST, "POST", "/api/webhooks", { body });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.code).toBe(code);
    };
    await bad({ url: "ftp://example.com/hook" }, "invalid_url");
    await bad({ url: "file:///etc/passwd" }, "invalid_url");
    await bad({ url: "http://user:pass@example.com/hook" }, "invalid_url");
    await bad({ url: "not a url" }, "invalid_url");
    await bad({ url: `http://example.com/${"a".repeat(3000)}` }, "invalid_url");
    await bad({ url: "http://example.com/", events: ["job.exploded"] }, "invalid_events");
    await bad({ url: "http://example.com/", enabled: "yes" }, "invalid_enabled");
    await bad({ url: "http://example.com/", secret: "mine" }, "unknown_field");
    await bad({}, "invalid_url");
    expect(await db().webhookEndpoint.count()).toBe(before);

    const { webhook, secret } = await createEndpoint({ url: "http://example.com/a#frag", description: " mine ", events: ["model.created"] }, memberToken);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({ url: "http://example.com/a", description: "mine", events: ["model.created"], enabled: true, ownerId: memberId });
    const mine = await call(list.GET, "GET", "/api/webhooks", { token: memberToken });
    expect(mine.body.webhooks.map((w: Json) => w.id)).toEqual([webhook.id]);
    expect(JSON.stringify(mine.body)).not.toContain(secret);
    expect(mine.body.webhooks[0]).not.toHaveProperty("secret");

    const patchBad = await call(item.PATCH, "PATCH", `/api/webhooks/${webhook.id}`, { params: { id: webhook.id }, body: { url: "gopher://x" }, token: memberToken });
    expect(patchBad.body.error.code).toBe("invalid_url");
    expect((await db().webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } })).url).toBe("http://example.com/a");

    // a rotated secret replaces the old one
    const rotated = await call(rotateRoute.POST, "POST", `/api/webhooks/${webhook.id}/rotate-secret`, { params: { id: webhook.id }, token: memberToken });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    expect((await db().webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } })).secret).toBe(rotated.body.secret);

    // the admin sees it; another member would not: a member's view of the admin's endpoint is a 404
    const adminEp = await createEndpoint({ url: "http://example.com/admin", enabled: false });
    const asMember = await call(item.GET, "GET", `/api/webhooks/${adminEp.webhook.id}`, { params: { id: adminEp.webhook.id }, token: memberToken });
    expect(asMember.status).toBe(404);
    expect(asMember.body.error.code).toBe("webhook_not_found");
    const all = await call(list.GET, "GET", "/api/webhooks");
    expect(all.body.webhooks.map((w: Json) => w.id)).toEqual(expect.arrayContaining([webhook.id, adminEp.webhook.id]));

    for (const id of [webhook.id, adminEp.webhook.id]) {
      const del = await call(item.DELETE, "DELETE", `/api/webhooks/${id}`, { params: { id } });
      expect(del.status).toBe(200);
    }
    expect(await db().webhookEndpoint.count()).toBe(before);
  });
});

describe("webhook delivery", () => {
  it("signs, retries a 500 then succeeds, redelivers with the same id, filters by event and owner, skips a disabled endpoint", async () => {
    const all = await createEndpoint({ url: `${base}/all`, description: "every event" });
    const failures = await createEndpoint({ url: `${base}/failures`, events: ["job.failed", "job.cancelled"] });
    const disabled = await createEndpoint({ url: `${base}/disabled`, enabled: false });
    const members = await createEndpoint({ url: `${base}/member` }, memberToken);
    scripts.set("/all", [500]); // the first request to /all fails, the retry succeeds
    // an attempt from long ago: the log keeps 30 days
    const old = await db().webhookDelivery.create({
      data: { endpointId: all.webhook.id, messageId: "msg_old", eventType: "ping", payload: {}, attempt: 1, status: "succeeded", createdAt: new Date(Date.now() - 31 * 86_400_000) },
    });

    // a job of the admin's succeeds on the worker → job.succeeded
    const job = await runAs(adminId(), () => enqueueJob({ kind: "selftest", params: { seconds: 0.2, steps: 2 } }), "admin");
    await until(async () => (await db().job.findUnique({ where: { id: job.id } }))?.status === "succeeded", 30_000, "the self-test to succeed");

    const [first, second] = await until(async () => (at("/all").length >= 2 ? at("/all") : null), 30_000, "the retry to reach /all");
    for (const r of [first!, second!]) {
      expect(signatureValid(all.secret, r), "signature checks out").toBe(true);
      expect(signatureValid(failures.secret, r)).toBe(false);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["webhook-timestamp"]).toMatch(/^\d+$/);
      expect(Math.abs(Number(r.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(300);
    }
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    const body = JSON.parse(first!.body);
    expect(Object.keys(body)).toEqual(["type", "timestamp", "data"]);
    expect(body.type).toBe("job.succeeded");
    expect(body.data.job).toMatchObject({ id: job.id, kind: "selftest", status: "succeeded", experiment: null });
    const messageId = String(first!.headers["webhook-id"]);
    expect(messageId).toMatch(/^msg_[0-9a-f]{32}$/);

    // the delivery log: attempt 1 → 500 (failed), attempt 2 → 200 (succeeded)
    const log = await until(async () => {
      const d = (await deliveriesOf(all.webhook.id)).filter((x) => x.messageId === messageId);
      return d.length === 2 && d.every((x) => x.status !== "pending") ? d : null;
    }, 10_000, "both attempts recorded");
    const byAttempt = [...log].sort((a, b) => a.attempt - b.attempt);
    expect(byAttempt.map((d) => [d.attempt, d.responseStatus, d.status])).toEqual([
      [1, 500, "failed"],
      [2, 200, "succeeded"],
    ]);
    expect(byAttempt[0].error).toBe("HTTP 500");
    for (const d of byAttempt) {
      expect(d.durationMs).toBeGreaterThanOrEqual(0);
      expect(d.eventType).toBe("job.succeeded");
    }

    expect(await db().webhookDelivery.findUnique({ where: { id: old.id } })).toBeNull();

    // the filter: job.succeeded is not for /failures; a disabled endpoint and a member's endpoint (not their job) get nothing
    for (const ep of [failures, disabled, members]) {
      expect(await db().webhookDelivery.count({ where: { endpointId: ep.webhook.id, messageId } })).toBe(0);
    }

    // redelivery: the same message again, same webhook-id and body, attempt 3
    const redo = await call(redeliverRoute.POST, "POST", `/api/webhooks/${all.webhook.id}/deliveries/${byAttempt[0].id}/redeliver`, {
      params: { id: all.webhook.id, deliveryId: byAttempt[0].id },
    });
    expect(redo.status, JSON.stringify(redo.body)).toBe(202);
    expect(redo.body.delivery).toMatchObject({ messageId, attempt: 3, status: "pending" });
    const third = await until(async () => at("/all")[2], 30_000, "the redelivery");
    expect(third.headers["webhook-id"]).toBe(messageId);
    expect(JSON.parse(third.body)).toEqual(body);
    expect(signatureValid(all.secret, third)).toBe(true);
    await until(async () => (await db().webhookDelivery.findUnique({ where: { id: redo.body.delivery.id } }))?.status === "succeeded", 10_000, "attempt 3 recorded");

    // a failed job (a convert job without its conversion) reaches /all and /failures, not the others
    const bad = await runAs(adminId(), () => enqueueJob({ kind: "convert", params: {} }), "admin");
    const failed = await until(async () => at("/failures").find((r) => JSON.parse(r.body).data.job.id === bad.id), 30_000, "job.failed at /failures");
    expect(signatureValid(failures.secret, failed)).toBe(true);
    expect(JSON.parse(failed.body)).toMatchObject({ type: "job.failed", data: { job: { id: bad.id, status: "failed", error: "the conversion was deleted" } } });
    await until(async () => at("/all").find((r) => JSON.parse(r.body).data.job?.id === bad.id), 30_000, "job.failed at /all");

    // a cancelled job: job.cancelled to /failures
    const long = await runAs(adminId(), () => enqueueJob({ kind: "selftest", params: { seconds: 60, steps: 60 } }), "admin");
    await runAs(adminId(), () => cancelJob(long.id), "admin");
    const cancelled = await until(async () => at("/failures").find((r) => JSON.parse(r.body).data.job.id === long.id), 30_000, "job.cancelled at /failures");
    expect(JSON.parse(cancelled.body)).toMatchObject({ type: "job.cancelled", data: { job: { id: long.id, status: "cancelled" } } });

    // the member's endpoint gets the events of the member's own jobs
    const own = await runAs(memberId, () => enqueueJob({ kind: "selftest", params: { seconds: 0.1, steps: 1 } }), "member");
    const mine = await until(async () => at("/member").find((r) => JSON.parse(r.body).data.job.id === own.id), 30_000, "the member's job event");
    expect(signatureValid(members.secret, mine)).toBe(true);
    expect(JSON.parse(mine.body).type).toBe("job.succeeded");

    // the test event: a ping, whatever the filter
    const ping = await call(testRoute.POST, "POST", `/api/webhooks/${failures.webhook.id}/test`, { params: { id: failures.webhook.id } });
    expect(ping.status).toBe(202);
    const pinged = await until(async () => at("/failures").find((r) => r.headers["webhook-id"] === ping.body.delivery.messageId), 30_000, "the ping");
    expect(JSON.parse(pinged.body)).toMatchObject({ type: "ping", data: { webhook: { id: failures.webhook.id } } });

    // the disabled endpoint: nothing was ever sent, nothing was recorded, and test/redeliver are refused
    expect(at("/disabled")).toEqual([]);
    expect(await db().webhookDelivery.count({ where: { endpointId: disabled.webhook.id } })).toBe(0);
    const refused = await call(testRoute.POST, "POST", `/api/webhooks/${disabled.webhook.id}/test`, { params: { id: disabled.webhook.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("webhook_disabled");
    // the member's endpoint saw none of the admin's jobs
    expect(at("/member").map((r) => JSON.parse(r.body).data.job?.id)).toEqual([own.id]);
  }, 180_000);

  it("gives up after the last retry: every attempt failed, none pending", async () => {
    const down = await createEndpoint({ url: `${base}/down`, events: ["job.succeeded"] });
    scripts.set("/down", [503, 503, 503, 503, 503]);
    const job = await runAs(adminId(), () => enqueueJob({ kind: "selftest", params: { seconds: 0.1, steps: 1 } }), "admin");
    const rows = await until(async () => {
      const d = await db().webhookDelivery.findMany({ where: { endpointId: down.webhook.id }, orderBy: { attempt: "asc" } });
      return d.length === 4 && d.every((x) => x.status === "failed") ? d : null;
    }, 60_000, "four failed attempts (1 + WEBHOOK_RETRY_LIMIT 3)");
    expect(rows.map((d) => [d.attempt, d.responseStatus])).toEqual([[1, 503], [2, 503], [3, 503], [4, 503]]);
    expect(new Set(rows.map((d) => d.messageId)).size).toBe(1);
    expect(JSON.parse(at("/down")[0]!.body).data.job.id).toBe(job.id);
    // the retries were pg-boss's, with back-off, as configured (WEBHOOK_RETRY_DELAY_SECONDS, WEBHOOK_RETRY_LIMIT)
    // (the attempt is recorded a moment before pg-boss is told)
    const boss = await until(async () => {
      const [b] = await db().$queryRaw<{ state: string; retry_count: number; retry_limit: number; retry_delay: number; retry_backoff: boolean }[]>`
        SELECT state::text AS state, retry_count, retry_limit, retry_delay, retry_backoff FROM pgboss.job
         WHERE name = 'webhook' AND data->>'messageId' = ${rows[0]!.messageId} AND data->>'endpointId' = ${down.webhook.id}`;
      return b?.state === "active" ? null : b;
    }, 10_000, "pg-boss to record the last failure");
    expect(boss).toEqual({ state: "failed", retry_count: 3, retry_limit: 3, retry_delay: 1, retry_backoff: true });
  }, 90_000);

  it("model.created and conversion.succeeded carry their resource, to the endpoints that want them", async () => {
    const models = await createEndpoint({ url: `${base}/models`, events: ["model.created", "conversion.succeeded"] });
    const model = await db().voiceModel.create({ data: { name: "hook-model", sampleRate: 40000, version: "v2", createdById: memberId, sizeBytes: 12345n } });
    await modelCreated(model.id);
    const created = await until(async () => at("/models").find((r) => JSON.parse(r.body).type === "model.created"), 30_000, "model.created");
    expect(signatureValid(models.secret, created)).toBe(true);
    expect(JSON.parse(created.body).data.model).toMatchObject({ id: model.id, name: "hook-model", sizeBytes: 12345, source: "trained" });
    // the member's endpoint (from the test above) gets the member's model too
    await until(async () => at("/member").find((r) => JSON.parse(r.body).data.model?.id === model.id), 30_000, "model.created at /member");

    // a convert job that succeeded: job.succeeded (not wanted here) and conversion.succeeded (a row as the API stores
    // it, settings included: later tests of the same database check listed conversions against the OpenAPI schema)
    const job = await db().job.create({ data: { kind: "convert", status: "succeeded", createdById: adminId(), finishedAt: new Date() } });
    const conversion = await db().conversion.create({
      data: {
        modelId: model.id,
        jobId: job.id,
        inputName: "take.wav",
        inputPath: "/nowhere/take.wav",
        outputPath: "/nowhere/out.wav",
        params: { ...CONVERSION_DEFAULTS },
        inputSeconds: 1.5,
        outputSeconds: 1.5,
        sampleRate: 40000,
        createdById: adminId(),
        finishedAt: new Date(),
      },
    });
    await jobFinished(job.id);
    const converted = await until(async () => at("/models").find((r) => JSON.parse(r.body).type === "conversion.succeeded"), 30_000, "conversion.succeeded");
    expect(JSON.parse(converted.body).data.conversion).toMatchObject({ id: conversion.id, status: "succeeded", model: { id: model.id, name: "hook-model" }, jobId: job.id });
    expect(at("/models").map((r) => JSON.parse(r.body).type).sort()).toEqual(["conversion.succeeded", "model.created"]);
    // a song cover that succeeded is a conversion.succeeded too, as a cover with its stems
    const coverJob = await db().job.create({ data: { kind: "cover", status: "succeeded", createdById: adminId(), finishedAt: new Date() } });
    const coverRow = await db().conversion.create({
      data: {
        modelId: model.id,
        jobId: coverJob.id,
        inputName: "song.wav",
        inputPath: "/nowhere/song.wav",
        outputPath: "/nowhere/mix.wav",
        params: { ...CONVERSION_DEFAULTS },
        mode: "cover",
        cover: { vocalsGain: -3, accompanimentGain: 0, accompanimentPitch: 2 },
        inputSeconds: 2,
        outputSeconds: 2,
        sampleRate: 44100,
        createdById: adminId(),
        finishedAt: new Date(),
      },
    });
    await jobFinished(coverJob.id);
    const covered = await until(
      async () => at("/models").find((r) => JSON.parse(r.body).data.conversion?.id === coverRow.id),
      30_000,
      "conversion.succeeded of the cover",
    );
    expect(JSON.parse(covered.body)).toMatchObject({
      type: "conversion.succeeded",
      data: { conversion: { mode: "cover", cover: { vocalsGain: -3, accompanimentPitch: 2 }, stems: { vocals: `/api/conversions/${coverRow.id}/stems/vocals` } } },
    });
    // later test files share this database: no rows without their files
    await db().conversion.delete({ where: { id: coverRow.id } });
    await db().job.delete({ where: { id: coverJob.id } });
    await db().conversion.delete({ where: { id: conversion.id } });
    await db().job.delete({ where: { id: job.id } });
    await db().voiceModel.delete({ where: { id: model.id } });
  }, 90_000);
});
