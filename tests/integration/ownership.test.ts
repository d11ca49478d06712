/**
 * Ownership: a member deletes, renames, changes and cancels only what they created (or what has no creator);
 * admins anything. Everything goes through the real route handlers with each user's own API token.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as experiments from "../../app/api/experiments/route";
import * as experiment from "../../app/api/experiments/[name]/route";
import * as file from "../../app/api/experiments/[name]/files/[id]/route";
import * as model from "../../app/api/models/[id]/route";
import * as conversion from "../../app/api/conversions/[id]/route";
import * as cancel from "../../app/api/jobs/[id]/cancel/route";
import { db } from "../../lib/db";
import { createUser } from "../../lib/auth/users";
import { createToken } from "../../lib/auth/api-tokens";
import { paths } from "../../lib/paths";
import { testToken, withAuth } from "../helpers/auth";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const tag = Date.now().toString(36);
const who: Record<"a" | "b", { id: string; name: string; token: string }> = {} as never;

beforeAll(async () => {
  for (const k of ["a", "b"] as const) {
    const name = `own-${k}-${tag}`;
    const u = await createUser({ name, password: `${name}-password`, role: "member" });
    who[k] = { id: u.id, name, token: (await createToken(u.id, { name: "tests", scope: "write" })).secret };
  }
});
afterAll(async () => {
  await db().$disconnect();
});

async function as(token: string, handler: unknown, method: string, params: Record<string, string> = {}, body?: unknown) {
  const init: RequestInit = { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}) };
  const res = await (handler as Handler)(new Request("http://test.local/api", withAuth(init, token)), { params: Promise.resolve(params) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** One of everything, created by `owner` (null: a row from before accounts): experiment, file, model, conversion, queued job. */
async function things(owner: { id: string; token: string } | null, label: string) {
  const name = `own-${label}-${tag}`;
  let exp;
  if (owner) {
    const made = await as(owner.token, experiments.POST, "POST", {}, { name });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    exp = await db().experiment.findUniqueOrThrow({ where: { name } });
    expect(exp.createdById).toBe(owner.id);
  } else {
    exp = await db().experiment.create({ data: { name } });
  }
  const createdById = owner?.id ?? null;
  const storedName = `${crypto.randomUUID()}.wav`;
  const stored = paths().uploadFile(name, storedName);
  fs.mkdirSync(path.dirname(stored), { recursive: true });
  fs.writeFileSync(stored, "RIFF....WAVE");
  const f = await db().audioFile.create({ data: { experimentId: exp.id, originalName: "take.wav", storedName, bytes: 12n, sha256: "0".repeat(64), createdById } });
  const m = await db().voiceModel.create({ data: { name: `${name}-model`, sampleRate: 40000, version: "v2", createdById } });
  fs.mkdirSync(paths().modelDir(m.name), { recursive: true });
  const cid = crypto.randomUUID();
  fs.mkdirSync(paths().conversionDir(cid), { recursive: true });
  const c = await db().conversion.create({ data: { id: cid, modelId: m.id, inputName: "clip.wav", inputPath: path.join(paths().conversionDir(cid), "input.wav"), createdById } });
  // a queued job with no worker to run it; its pg-boss side is not needed for a cancel
  const j = await db().job.create({ data: { kind: "selftest", createdById } });
  return { name, exp, file: f, stored, model: m, conversion: c, job: j };
}

type Things = Awaited<ReturnType<typeof things>>;

async function stillThere(t: Things) {
  expect(await db().experiment.findUnique({ where: { id: t.exp.id } })).toMatchObject({ name: t.name, sampleRate: 40000 });
  expect(await db().audioFile.findUnique({ where: { id: t.file.id } })).toMatchObject({ excluded: false });
  expect(fs.existsSync(t.stored)).toBe(true);
  expect(await db().voiceModel.findUnique({ where: { id: t.model.id } })).not.toBeNull();
  expect(fs.existsSync(paths().modelDir(t.model.name))).toBe(true);
  expect(await db().conversion.findUnique({ where: { id: t.conversion.id } })).not.toBeNull();
  expect((await db().job.findUniqueOrThrow({ where: { id: t.job.id } })).status).toBe("queued");
}

/** Every destructive call on `t` as `token`: the statuses, in order. */
async function destroyAll(token: string, t: Things) {
  return {
    cancel: await as(token, cancel.POST, "POST", { id: t.job.id }),
    conversion: await as(token, conversion.DELETE, "DELETE", { id: t.conversion.id }),
    model: await as(token, model.DELETE, "DELETE", { id: t.model.id }),
    file: await as(token, file.DELETE, "DELETE", { name: t.name, id: t.file.id }),
    experiment: await as(token, experiment.DELETE, "DELETE", { name: t.name }),
  };
}

async function gone(t: Things) {
  expect(await db().experiment.findUnique({ where: { id: t.exp.id } })).toBeNull();
  expect(await db().audioFile.findUnique({ where: { id: t.file.id } })).toBeNull();
  expect(fs.existsSync(t.stored)).toBe(false);
  expect(await db().voiceModel.findUnique({ where: { id: t.model.id } })).toBeNull();
  expect(await db().conversion.findUnique({ where: { id: t.conversion.id } })).toBeNull();
  expect((await db().job.findUniqueOrThrow({ where: { id: t.job.id } })).status).toBe("cancelled");
}

describe("ownership", () => {
  it("member A cannot delete, rename, change or cancel member B's things: 403 not_owner naming B, nothing changed", async () => {
    const t = await things(who.b, "b1");
    const tries = {
      ...(await destroyAll(who.a.token, t)),
      rename: await as(who.a.token, experiment.PATCH, "PATCH", { name: t.name }, { name: `${t.name}-x` }),
      settings: await as(who.a.token, experiment.PATCH, "PATCH", { name: t.name }, { sampleRate: 48000 }),
      exclude: await as(who.a.token, file.PATCH, "PATCH", { name: t.name, id: t.file.id }, { excluded: true }),
    };
    for (const [what, res] of Object.entries(tries)) {
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body.error.code, what).toBe("not_owner");
      expect(res.body.error.message, what).toContain(`belongs to ${who.b.name}; only ${who.b.name} or an admin`);
      expect(res.body.error.details, what).toEqual({ owner: who.b.name, ownerId: who.b.id });
    }
    expect(tries.file.body.error.message).toMatch(/^File "take.wav" belongs to/);
    await stillThere(t);
    expect(fs.existsSync(paths().experimentUploads(`${t.name}-x`))).toBe(false);
  });

  it("an admin deletes and cancels member B's things", async () => {
    const t = await things(who.b, "b2");
    const res = await destroyAll(testToken(), t);
    expect(Object.fromEntries(Object.entries(res).map(([k, r]) => [k, r.status]))).toEqual({ cancel: 202, conversion: 204, model: 204, file: 204, experiment: 204 });
    await gone(t);
  });

  it("a member deletes, renames and cancels their own things", async () => {
    const t = await things(who.a, "a1");
    const renamed = await as(who.a.token, experiment.PATCH, "PATCH", { name: t.name }, { name: `${t.name}-r`, sampleRate: 48000 });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const res = await destroyAll(who.a.token, { ...t, name: `${t.name}-r`, stored: paths().uploadFile(`${t.name}-r`, t.file.storedName) });
    expect(Object.fromEntries(Object.entries(res).map(([k, r]) => [k, r.status]))).toEqual({ cancel: 202, conversion: 204, model: 204, file: 204, experiment: 204 });
    await gone({ ...t, stored: paths().uploadFile(`${t.name}-r`, t.file.storedName) });
  });

  it("rows from before accounts (no creator) are anyone's", async () => {
    const t = await things(null, "legacy");
    const res = await destroyAll(who.a.token, t);
    expect(Object.fromEntries(Object.entries(res).map(([k, r]) => [k, r.status]))).toEqual({ cancel: 202, conversion: 204, model: 204, file: 204, experiment: 204 });
    await gone(t);
  });

  it("a file someone else uploaded into my experiment, and a job on it, are mine to remove and cancel as well", async () => {
    const t = await things(who.b, "b3");
    await db().audioFile.update({ where: { id: t.file.id }, data: { createdById: who.a.id } });
    await db().job.update({ where: { id: t.job.id }, data: { createdById: who.a.id, experimentId: t.exp.id } });
    expect((await as(who.b.token, cancel.POST, "POST", { id: t.job.id })).status).toBe(202);
    expect((await as(who.b.token, file.DELETE, "DELETE", { name: t.name, id: t.file.id })).status).toBe(204);
    expect(fs.existsSync(t.stored)).toBe(false);
    // but the uploader cannot delete the experiment or its model
    expect((await as(who.a.token, experiment.DELETE, "DELETE", { name: t.name })).body.error.code).toBe("not_owner");
    expect((await as(who.a.token, model.DELETE, "DELETE", { id: t.model.id })).body.error.code).toBe("not_owner");
  });
});
