/** Through a real production web server (launcher/web-server.ts): the Host allowlist, security headers, page redirects, no CORS, cross-site writes. */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { startWeb, type Web } from "../helpers/web";

let web: Web;

beforeAll(async () => {
  web = await startWeb();
});

afterAll(async () => {
  await web?.stop();
  await db().$disconnect();
});

/** A raw request (fetch does not let us choose Host). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: web.port, method, path, headers: { host: `127.0.0.1:${web.port}`, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function adminCookie(): Promise<string> {
  const r = await raw("POST", "/api/auth/login", { "content-type": "application/json", origin: `http://127.0.0.1:${web.port}` }, JSON.stringify({ name: "test-admin", password: "test-admin-password" }));
  expect(r.status).toBe(200);
  return String(r.headers["set-cookie"]).split(";")[0]!;
}

describe("the web server", () => {
  it("refuses a foreign Host (DNS rebinding) with 421 on API routes and pages; loopback names pass", async () => {
    for (const path of ["/api/health", "/api/experiments", "/", "/login"]) {
      const r = await raw("GET", path, { host: `attacker.example:${web.port}` });
      expect(r.status, path).toBe(421);
      expect(JSON.parse(r.text).error.code).toBe("host_not_allowed");
    }
    expect((await raw("GET", "/api/health", { host: `localhost:${web.port}` })).status).toBe(200);
    expect((await raw("GET", "/api/health")).status).toBe(200);
  });

  it("sends the security headers on pages and API answers", async () => {
    for (const path of ["/login", "/api/health", "/api/experiments"]) {
      const r = await raw("GET", path);
      expect(r.headers["content-security-policy"], path).toMatch(/frame-ancestors 'none'/);
      expect(r.headers["content-security-policy"]).not.toMatch(/unsafe-eval/);
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.headers["referrer-policy"]).toBe("same-origin");
      expect(r.headers["x-frame-options"]).toBe("DENY");
    }
    expect(JSON.parse((await raw("GET", "/api/health")).text)).toEqual({ status: "ok" });
  });

  it("sends pages without a session to /login; a forged cookie gets no page either", async () => {
    const r = await raw("GET", "/jobs");
    expect(r.status).toBe(303);
    expect(r.headers.location).toMatch(/\/login\?next=%2Fjobs$/);
    const forged = await raw("GET", "/system", { cookie: "vs_session=vss_" + "A".repeat(43) });
    expect(forged.status).toBeGreaterThanOrEqual(300);
    expect(forged.status).toBeLessThan(400);
    expect(String(forged.headers.location)).toMatch(/\/login/);
    expect(forged.text).not.toMatch(/Database/);
    expect((await raw("GET", "/login")).status).toBe(200);
    const cookie = await adminCookie();
    const page = await raw("GET", "/system", { cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain("test-admin");
  });

  it("answers no CORS on the tus endpoint, and uploads need a login", async () => {
    const evil = { origin: "http://evil.test" };
    const pre = await raw("OPTIONS", "/api/uploads", { ...evil, "access-control-request-method": "POST" });
    expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
    const post = await raw("POST", "/api/uploads", { ...evil, "tus-resumable": "1.0.0", "upload-length": "10" });
    expect(post.status).toBe(403);
    expect(post.headers["access-control-allow-origin"]).toBeUndefined();
    const anon = await raw("POST", "/api/uploads", { "tus-resumable": "1.0.0", "upload-length": "10" });
    expect(anon.status).toBe(401);
    const cookie = await adminCookie();
    const csrf = await raw("POST", "/api/uploads", { ...evil, cookie, "tus-resumable": "1.0.0", "upload-length": "10", "upload-metadata": "" });
    expect(csrf.status).toBe(403);
    expect(csrf.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses cross-site writes with the session cookie (text/plain JSON, form, multipart): nothing is created", async () => {
    const cookie = await adminCookie();
    const evil = { cookie, origin: "http://evil.test" };
    const plain = await raw("POST", "/api/experiments", { ...evil, "content-type": "text/plain" }, JSON.stringify({ name: "evil-plain" }));
    const form = await raw("POST", "/api/experiments", { ...evil, "content-type": "application/x-www-form-urlencoded" }, "name=evil-form");
    const boundary = "----x";
    const multipart = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nevil-model\r\n--${boundary}\r\nContent-Disposition: form-data; name="pth"; filename="a.pth"\r\nContent-Type: application/octet-stream\r\n\r\nxxxx\r\n--${boundary}--\r\n`,
    );
    const multi = await raw("POST", "/api/models/import", { ...evil, "content-type": `multipart/form-data; boundary=${boundary}` }, multipart);
    const site = await raw("POST", "/api/experiments", { cookie, "sec-fetch-site": "cross-site", "content-type": "application/json" }, JSON.stringify({ name: "evil-site" }));
    for (const r of [plain, form, multi, site]) {
      expect(r.status).toBe(403);
      expect(JSON.parse(r.text).error.code).toBe("cross_site");
    }
    expect(await db().experiment.count({ where: { name: { startsWith: "evil-" } } })).toBe(0);
    expect(await db().voiceModel.count({ where: { name: "evil-model" } })).toBe(0);
    // the app's own page may
    const own = await raw("POST", "/api/experiments", { cookie, origin: `http://127.0.0.1:${web.port}`, "content-type": "application/json" }, JSON.stringify({ name: "own-page" }));
    expect(own.status).toBe(201);
  });
});
