/** Accounts, sessions, tokens, the login limit, cross-site writes and who-did-what, through the real route handlers. */
import { afterAll, describe, expect, it } from "vitest";
import * as login from "../../app/api/auth/login/route";
import * as logout from "../../app/api/auth/logout/route";
import * as logoutAll from "../../app/api/auth/logout-all/route";
import * as me from "../../app/api/auth/me/route";
import * as password from "../../app/api/auth/password/route";
import * as setup from "../../app/api/auth/setup/route";
import * as tokens from "../../app/api/tokens/route";
import * as token from "../../app/api/tokens/[id]/route";
import * as users from "../../app/api/users/route";
import * as user from "../../app/api/users/[id]/route";
import * as activity from "../../app/api/activity/route";
import * as experiments from "../../app/api/experiments/route";
import * as conversions from "../../app/api/conversions/route";
import * as modelImport from "../../app/api/models/import/route";
import * as health from "../../app/api/health/route";
import * as jobEvents from "../../app/api/jobs/[id]/events/route";
import { db } from "../../lib/db";
import { appendJobEvent } from "../../lib/job-events";
import { createUser } from "../../lib/auth/users";
import { SseReader } from "../helpers/sse";
import { testToken } from "../helpers/auth";

afterAll(async () => {
  await db().$disconnect();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ORIGIN = "http://localhost:3000";

interface Opts {
  body?: unknown;
  raw?: BodyInit;
  type?: string | null;
  cookie?: string;
  bearer?: string;
  origin?: string | null;
  site?: string;
  ip?: string;
  params?: Record<string, string>;
  url?: string;
  host?: string;
}

/** A request as a browser on our own page would send it (Origin = the app's), unless told otherwise. */
async function call(handler: unknown, method: string, o: Opts = {}) {
  const headers: Record<string, string> = { host: o.host ?? "localhost:3000" };
  if (o.origin !== null && method !== "GET") headers.origin = o.origin ?? ORIGIN;
  if (o.site) headers["sec-fetch-site"] = o.site;
  if (o.cookie) headers.cookie = o.cookie;
  if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
  if (o.ip) headers["x-forwarded-for"] = o.ip;
  let body: BodyInit | undefined = o.raw;
  if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined && o.type !== null && !(body instanceof FormData)) headers["content-type"] = o.type ?? "application/json";
  const res = await (handler as Handler)(new Request(o.url ?? `${ORIGIN}/api/x`, { method, headers, body }), { params: Promise.resolve(o.params ?? {}) });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, headers: res.headers };
}

const cookieOf = (r: { headers: Headers }) => r.headers.get("set-cookie")!.split(";")[0]!;

async function loginAs(name: string, pw: string, ip = `10.0.0.${Math.floor(Math.random() * 250)}`) {
  const r = await call(login.POST, "POST", { body: { name, password: pw }, ip });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return cookieOf(r);
}

describe("first run, log in, log out", () => {
  it("setup is refused once any account exists (global-setup made the tests' admin)", async () => {
    expect((await call(me.GET, "GET")).json).toEqual({ user: null, via: null, setupRequired: false });
    const r = await call(setup.POST, "POST", { body: { name: "intruder", password: "intruder-password" } });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe("setup_done");
    expect(await db().user.count({ where: { name: "intruder" } })).toBe(0);
  });

  it("login sets an HttpOnly SameSite=Lax cookie (Secure only over https) that authenticates; logout ends it", async () => {
    await createUser({ name: "carol", password: "carol-password", role: "member" });
    const r = await call(login.POST, "POST", { body: { name: "carol", password: "carol-password" }, ip: "10.1.0.1" });
    expect(r.status).toBe(200);
    expect(r.json.user).toMatchObject({ name: "carol", role: "member", disabled: false });
    expect(JSON.stringify(r.json)).not.toContain("passwordHash");
    const set = r.headers.get("set-cookie")!;
    expect(set).toMatch(/^vs_session=vss_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000$/);
    const https = await call(login.POST, "POST", { body: { name: "carol", password: "carol-password" }, ip: "10.1.0.1", url: "https://localhost:3000/api/auth/login", origin: "https://localhost:3000" });
    expect(https.headers.get("set-cookie")).toMatch(/; Secure$/);
    const cookie = cookieOf(r);
    // only the hash is stored
    expect(await db().session.count({ where: { tokenHash: cookie.split("=")[1]! } })).toBe(0);

    const who = await call(me.GET, "GET", { cookie });
    expect(who.json).toMatchObject({ user: { name: "carol", role: "member", actsAs: "member" }, via: "session" });
    expect((await call(experiments.GET, "GET", { cookie })).status).toBe(200);

    const out = await call(logout.POST, "POST", { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^vs_session=; .*Max-Age=0/);
    const after = await call(experiments.GET, "GET", { cookie });
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe("unauthenticated");
  });

  it("a wrong password and an unknown name get the same 401; a disabled account is refused", async () => {
    const a = await call(login.POST, "POST", { body: { name: "carol", password: "wrong-password" }, ip: "10.1.0.2" });
    const b = await call(login.POST, "POST", { body: { name: "nobody", password: "wrong-password" }, ip: "10.1.0.2" });
    expect([a.status, a.json.error.code]).toEqual([401, "invalid_credentials"]);
    expect(b.json).toEqual(a.json);
  });

  it("log out everywhere ends every session of the user", async () => {
    const one = await loginAs("carol", "carol-password");
    const two = await loginAs("carol", "carol-password");
    const r = await call(logoutAll.POST, "POST", { cookie: one });
    expect(r.status).toBe(200);
    expect(r.json.ended).toBeGreaterThanOrEqual(2);
    expect((await call(experiments.GET, "GET", { cookie: two })).status).toBe(401);
  });

  it("sessions past their absolute or idle expiry are refused (and removed)", async () => {
    const abs = await loginAs("carol", "carol-password");
    const idle = await loginAs("carol", "carol-password");
    const hash = (c: string) => import("../../lib/auth/tokens").then((m) => m.hashSecret(c.split("=")[1]!));
    await db().session.update({ where: { tokenHash: await hash(abs) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await db().session.update({ where: { tokenHash: await hash(idle) }, data: { lastSeenAt: new Date(Date.now() - 73 * 3600_000) } });
    for (const cookie of [abs, idle]) {
      const r = await call(experiments.GET, "GET", { cookie });
      expect(r.status).toBe(401);
      expect(r.json.error.message).toMatch(/session has ended/);
    }
    expect(await db().session.count({ where: { tokenHash: { in: [await hash(abs), await hash(idle)] } } })).toBe(0);
  });

  it("changing the password ends the other sessions and needs the current one", async () => {
    await createUser({ name: "dave", password: "dave-password", role: "viewer" });
    const a = await loginAs("dave", "dave-password");
    const b = await loginAs("dave", "dave-password");
    const wrong = await call(password.POST, "POST", { cookie: a, body: { current: "nope-nope", password: "dave-password-2" } });
    expect([wrong.status, wrong.json.error.code]).toEqual([400, "wrong_password"]);
    const weak = await call(password.POST, "POST", { cookie: a, body: { current: "dave-password", password: "short" } });
    expect([weak.status, weak.json.error.code]).toEqual([400, "weak_password"]);
    const ok = await call(password.POST, "POST", { cookie: a, body: { current: "dave-password", password: "dave-password-2" } });
    expect(ok.status).toBe(204);
    const fresh = cookieOf(ok);
    expect((await call(me.GET, "GET", { cookie: b })).json.user).toBeNull();
    expect((await call(me.GET, "GET", { cookie: fresh })).json.user.name).toBe("dave");
    await loginAs("dave", "dave-password-2");
  });
});

describe("login rate limit", () => {
  it("5 failures for an account lock it for 30 s with a clear message, even for the right password; other accounts still log in", async () => {
    await createUser({ name: "erin", password: "erin-password", role: "viewer" });
    for (let i = 0; i < 5; i++) {
      // from different addresses: the account's own count locks it
      const r = await call(login.POST, "POST", { body: { name: "erin", password: `guess-${i}-xx` }, ip: `10.2.0.${i}` });
      expect(r.status).toBe(401);
    }
    const locked = await call(login.POST, "POST", { body: { name: "erin", password: "erin-password" }, ip: "10.2.1.1" });
    expect(locked.status).toBe(429);
    expect(locked.json.error).toMatchObject({ code: "rate_limited", details: { retryAfterSeconds: 30 } });
    expect(locked.json.error.message).toBe("Too many failed logins; try again in 30 s");
    expect(locked.headers.get("retry-after")).toBe("30");
    await loginAs("carol", "carol-password", "10.2.1.2");
  });

  it("5 failures from one address lock that address for every account", async () => {
    for (let i = 0; i < 5; i++) await call(login.POST, "POST", { body: { name: `who-${i}`, password: "whatever-pw" }, ip: "10.3.0.9" });
    const r = await call(login.POST, "POST", { body: { name: "carol", password: "carol-password" }, ip: "10.3.0.9" });
    expect(r.status).toBe(429);
    await loginAs("carol", "carol-password", "10.3.0.10");
  });
});

describe("API tokens", () => {
  it("are shown once, stored hashed, listed without secrets; read-only cannot write; revoke works on the next request", async () => {
    const cookie = await loginAs("carol", "carol-password");
    const made = await call(tokens.POST, "POST", { cookie, body: { name: "ci", scope: "read" } });
    expect(made.status).toBe(201);
    const secret: string = made.json.secret;
    expect(secret).toMatch(/^vs_[A-Za-z0-9_-]{43}$/);
    expect(made.json.token).toMatchObject({ name: "ci", scope: "read", prefix: secret.slice(0, 9), revokedAt: null });
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: made.json.token.id } });
    expect(row.tokenHash).not.toContain(secret.slice(3));
    const list = await call(tokens.GET, "GET", { cookie });
    expect(JSON.stringify(list.json)).not.toContain(secret);
    expect(list.json.tokens.map((t: { name: string }) => t.name)).toContain("ci");

    // read-only: reads work, writes are 403 and create nothing
    expect((await call(experiments.GET, "GET", { bearer: secret })).status).toBe(200);
    const w = await call(experiments.POST, "POST", { bearer: secret, body: { name: "from-read-token" } });
    expect([w.status, w.json.error.code]).toEqual([403, "forbidden"]);
    const mint = await call(tokens.POST, "POST", { bearer: secret, body: { name: "escalate", scope: "write" } });
    expect(mint.status).toBe(403);
    expect(await db().experiment.count({ where: { name: "from-read-token" } })).toBe(0);
    expect((await call(me.GET, "GET", { bearer: secret })).json).toMatchObject({ user: { role: "member", actsAs: "viewer" }, via: "token" });
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt).not.toBeNull();

    const rev = await call(token.DELETE, "DELETE", { cookie, params: { id: row.id } });
    expect(rev.status).toBe(200);
    expect(rev.json.token.revokedAt).not.toBeNull();
    const after = await call(experiments.GET, "GET", { bearer: secret });
    expect([after.status, after.json.error.code]).toEqual([401, "invalid_token"]);
  });

  it("someone else's token is a 404 to a non-admin; an admin lists all with ?all=1 and may revoke it", async () => {
    const carol = await loginAs("carol", "carol-password");
    const dave = await loginAs("dave", "dave-password-2");
    const t = await call(tokens.POST, "POST", { cookie: carol, body: { name: "carol's", scope: "write" } });
    expect((await call(token.DELETE, "DELETE", { cookie: dave, params: { id: t.json.token.id } })).status).toBe(404);
    // a non-admin's ?all=1 is just their own list
    const daveList = await call(tokens.GET, "GET", { cookie: dave, url: `${ORIGIN}/api/tokens?all=1` });
    expect(daveList.json.tokens.some((x: { id: string }) => x.id === t.json.token.id)).toBe(false);
    const all = await call(tokens.GET, "GET", { bearer: testToken(), url: `${ORIGIN}/api/tokens?all=1` });
    expect(all.json.tokens.find((x: { id: string }) => x.id === t.json.token.id)).toMatchObject({ userName: "carol" });
    expect((await call(token.DELETE, "DELETE", { bearer: testToken(), params: { id: t.json.token.id } })).status).toBe(200);
  });

  it("revoking ends an open event stream at its next event", async () => {
    const cookie = await loginAs("carol", "carol-password");
    const t = await call(tokens.POST, "POST", { cookie, body: { name: "stream", scope: "read" } });
    const job = await db().job.create({ data: { kind: "selftest", status: "running" } });
    const abort = new AbortController();
    const res = await (jobEvents.GET as Handler)(
      new Request(`${ORIGIN}/api/jobs/${job.id}/events`, { headers: { authorization: `Bearer ${t.json.secret}` }, signal: abort.signal }),
      { params: Promise.resolve({ id: job.id }) },
    );
    expect(res.status).toBe(200);
    const reader = new SseReader(res.body!);
    await appendJobEvent(job.id, { kind: "log", level: "info", message: "before revoke" });
    await reader.waitFor((ev) => ev.some((e) => e.data?.message === "before revoke"), 10_000, "the first event");
    await call(token.DELETE, "DELETE", { cookie, params: { id: t.json.token.id } });
    await appendJobEvent(job.id, { kind: "log", level: "info", message: "after revoke" });
    await reader.waitFor((ev) => ev.some((e) => e.event === "error"), 10_000, "the stream's error event");
    await expect(reader.waitFor(() => false, 10_000, "the end of the stream")).rejects.toThrow(/stream ended/);
    expect(reader.events.some((e) => e.data?.message === "after revoke")).toBe(false);
    expect(reader.events.find((e) => e.event === "error")!.data.error.code).toBe("unauthenticated");
    abort.abort();
  });
});

describe("cross-site requests", () => {
  it("a cookie-authenticated write from another origin, or without Origin/Sec-Fetch-Site, is 403 and creates nothing", async () => {
    const cookie = await loginAs("carol", "carol-password");
    const tries: Opts[] = [
      { origin: "http://evil.test" },
      { origin: "null" },
      { origin: "http://localhost:8080" },
      { origin: null, site: "cross-site" },
      { origin: null, site: "same-site" },
      { origin: null },
    ];
    for (const t of tries) {
      const r = await call(experiments.POST, "POST", { ...t, cookie, body: { name: "cross-site-json" } });
      expect([r.status, r.json.error.code], JSON.stringify(t)).toEqual([403, "cross_site"]);
    }
    // a form post and a no-cors text/plain "JSON" and a multipart import
    const form = await call(experiments.POST, "POST", { cookie, origin: "http://evil.test", raw: "name=cross-site-form", type: "application/x-www-form-urlencoded" });
    expect(form.status).toBe(403);
    const plain = await call(experiments.POST, "POST", { cookie, origin: "http://evil.test", raw: JSON.stringify({ name: "cross-site-plain" }), type: "text/plain" });
    expect(plain.status).toBe(403);
    const fd = new FormData();
    fd.set("pth", new File([new Uint8Array(16)], "x.pth"));
    fd.set("name", "cross-site-model");
    const multi = await call(modelImport.POST, "POST", { cookie, origin: "http://evil.test", raw: fd });
    expect(multi.status).toBe(403);
    const logoutCsrf = await call(logout.POST, "POST", { cookie, origin: "http://evil.test" });
    expect(logoutCsrf.status).toBe(403);
    expect(await db().experiment.count({ where: { name: { startsWith: "cross-site" } } })).toBe(0);
    expect(await db().voiceModel.count({ where: { name: "cross-site-model" } })).toBe(0);
    expect((await call(me.GET, "GET", { cookie })).json.user.name).toBe("carol");
    // the same from our own page works
    const same = await call(experiments.POST, "POST", { cookie, body: { name: "same-site-ok" } });
    expect(same.status).toBe(201);
    const fetchMeta = await call(experiments.POST, "POST", { cookie, origin: null, site: "same-origin", body: { name: "same-site-ok2" } });
    expect(fetchMeta.status).toBe(201);
  });

  it("a foreign Host (DNS rebinding) is 421 on every API route, credentials or not, and creates nothing", async () => {
    const cookie = await loginAs("carol", "carol-password");
    for (const o of [{ cookie }, { bearer: testToken() }, {}] as Opts[]) {
      const r = await call(experiments.POST, "POST", { ...o, host: "attacker.example:3000", origin: "http://attacker.example:3000", body: { name: "rebound" } });
      expect([r.status, r.json.error.code]).toEqual([421, "host_not_allowed"]);
    }
    expect((await call(health.GET, "GET", { host: "attacker.example" })).status).toBe(421);
    expect(await db().experiment.count({ where: { name: "rebound" } })).toBe(0);
  });

  it("JSON routes refuse other content types with 415, even with a token", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await call(experiments.POST, "POST", { bearer: testToken(), raw: JSON.stringify({ name: "typed" }), type });
      expect([r.status, r.json.error.code], type).toEqual([415, "unsupported_media_type"]);
    }
    const none = await call(experiments.POST, "POST", { bearer: testToken(), raw: JSON.stringify({ name: "typed" }), type: null });
    expect(none.status).toBe(415);
    const conv = await call(conversions.POST, "POST", { bearer: testToken(), raw: "{}", type: "text/plain" });
    expect(conv.status).toBe(415);
    expect(await db().experiment.count({ where: { name: "typed" } })).toBe(0);
  });
});

describe("admin: users, activity, creators", () => {
  it("creates, changes and disables users; the last admin stays; a disabled user's session and tokens stop", async () => {
    const admin = { bearer: testToken() };
    const made = await call(users.POST, "POST", { ...admin, body: { name: "frank", password: "frank-password", role: "viewer" } });
    expect(made.status).toBe(201);
    const dup = await call(users.POST, "POST", { ...admin, body: { name: "frank", password: "frank-password", role: "viewer" } });
    expect([dup.status, dup.json.error.code]).toEqual([409, "user_exists"]);
    const frank = await loginAs("frank", "frank-password");
    const ft = (await call(tokens.POST, "POST", { cookie: frank, body: { name: "f", scope: "write" } })).json.secret;
    const promoted = await call(user.PATCH, "PATCH", { ...admin, params: { id: made.json.user.id }, body: { role: "member" } });
    expect(promoted.json.user.role).toBe("member");
    // a role change ends sessions; the token acts with the new role at once
    expect((await call(me.GET, "GET", { cookie: frank })).json.user).toBeNull();
    expect((await call(me.GET, "GET", { bearer: ft })).json.user.role).toBe("member");
    await call(user.PATCH, "PATCH", { ...admin, params: { id: made.json.user.id }, body: { disabled: true } });
    expect((await call(me.GET, "GET", { bearer: ft })).json.user).toBeNull();
    const refused = await call(login.POST, "POST", { body: { name: "frank", password: "frank-password" }, ip: "10.4.0.1" });
    expect([refused.status, refused.json.error.code]).toEqual([403, "account_disabled"]);
    const reset = await call(user.PATCH, "PATCH", { ...admin, params: { id: made.json.user.id }, body: { disabled: false, password: "frank-new-password" } });
    expect(reset.json.user.disabled).toBe(false);
    await loginAs("frank", "frank-new-password");

    const list = await call(users.GET, "GET", admin);
    expect(list.json.users.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(["test-admin", "carol", "frank"]));
    const admins = await db().user.findMany({ where: { role: "admin" } });
    // demoting every admin but one works; the last one is refused
    for (const a of admins.slice(1)) await call(user.PATCH, "PATCH", { ...admin, params: { id: a.id }, body: { role: "admin" } });
    const onlyAdmin = await db().user.findFirstOrThrow({ where: { name: "test-admin" } });
    const others = admins.filter((a) => a.id !== onlyAdmin.id);
    for (const a of others) await call(user.PATCH, "PATCH", { ...admin, params: { id: a.id }, body: { disabled: true } });
    const last = await call(user.PATCH, "PATCH", { ...admin, params: { id: onlyAdmin.id }, body: { role: "member" } });
    expect([last.status, last.json.error.code]).toEqual([409, "last_admin"]);
    for (const a of others) await call(user.PATCH, "PATCH", { ...admin, params: { id: a.id }, body: { disabled: false } });
  });

  it("records who did what, and rows remember their creator", async () => {
    const cookie = await loginAs("carol", "carol-password");
    const made = await call(experiments.POST, "POST", { cookie, body: { name: "carols-experiment" }, url: `${ORIGIN}/api/experiments` });
    expect(made.status).toBe(201);
    const carol = await db().user.findUniqueOrThrow({ where: { name: "carol" } });
    expect(made.json.createdById).toBe(carol.id);
    const log = await call(activity.GET, "GET", { bearer: testToken(), url: `${ORIGIN}/api/activity?limit=500` });
    expect(log.status).toBe(200);
    const entries = log.json.activity as { userName: string | null; action: string; targetType: string; targetName: string | null }[];
    expect(entries).toContainEqual(expect.objectContaining({ userName: "carol", action: "POST /api/experiments", targetType: "experiments", targetName: null }));
    expect(entries).toContainEqual(expect.objectContaining({ userName: "carol", action: "login" }));
    expect(entries).toContainEqual(expect.objectContaining({ userName: null, action: "login.failed", targetName: "erin" }));
    expect(entries).toContainEqual(expect.objectContaining({ action: "user.update", targetName: "frank" }));
    expect(entries).toContainEqual(expect.objectContaining({ action: "token.revoke", userName: "carol" }));
    // no secret or password ever lands in the log
    const text = JSON.stringify(entries);
    expect(text).not.toMatch(/frank-password|vs_[A-Za-z0-9_-]{43}/);
    const bad = await call(activity.GET, "GET", { bearer: testToken(), url: `${ORIGIN}/api/activity?limit=9999` });
    expect(bad.status).toBe(400);
  });

  it("GET /api/health: {status} for anyone, the whole report for admins", async () => {
    const anon = await call(health.GET, "GET");
    expect(anon.json).toEqual({ status: "ok" });
    const viewer = await call(health.GET, "GET", { cookie: await loginAs("dave", "dave-password-2") });
    expect(viewer.json).toEqual({ status: "ok" });
    const admin = await call(health.GET, "GET", { bearer: testToken() });
    expect(admin.json).toMatchObject({ status: "ok", ok: true, db: { ok: true } });
    expect(admin.json.disk).toBeDefined();
  });
});
