import { describe, expect, it } from "vitest";
import { checkPasswordRules, hashPassword, parseHash, verifyPassword } from "./password";
import { FIRST_LOCK_MS, LoginLimiter } from "./rate-limit";
import { allows, effectiveRole } from "./roles";
import { hashSecret, isSecretShape, newSecret, SESSION_PREFIX, TOKEN_PREFIX } from "./tokens";
import { readCookie, sessionExpiry, isHttps, clientAddress } from "./sessions";
import { contentSecurityPolicy, hostAllowed } from "./headers";
import { checkSameOrigin, ownOrigin } from "./gate";
import { genericActivity } from "../http";

describe("passwords (scrypt)", () => {
  it("hash with their parameters and a per-user salt; verify only the right password", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
    expect(await verifyPassword("correct horse", "plain")).toBe(false);
  });

  it("refuse stored hashes with absurd costs instead of paying them", () => {
    expect(parseHash("scrypt$1048576$8$1$AAAA$AAAA")).toBeDefined();
    expect(parseHash("scrypt$2097152$8$1$AAAA$AAAA")).toBeUndefined();
    expect(parseHash("scrypt$1000$8$1$AAAA$AAAA")).toBeUndefined();
    expect(parseHash("scrypt$16384$99$1$AAAA$AAAA")).toBeUndefined();
  });

  it("rules: 8 to 512 characters", () => {
    expect(() => checkPasswordRules("short")).toThrow(/at least 8/);
    expect(() => checkPasswordRules("x".repeat(513))).toThrow(/at most 512/);
    expect(() => checkPasswordRules(12345678)).toThrow(/must be a string/);
    expect(checkPasswordRules("long enough")).toBe("long enough");
  });
});

describe("login limiter", () => {
  it("locks after 5 failures for 30 s, doubling each lockout; success clears", () => {
    let now = 0;
    const l = new LoginLimiter(() => now);
    const keys = ["user:a", "addr:1"];
    for (let i = 0; i < 4; i++) l.fail(keys);
    expect(l.retryAfter(keys)).toBe(0);
    l.fail(keys);
    expect(l.retryAfter(keys)).toBe(30);
    expect(l.retryAfter(["user:a"])).toBe(30);
    expect(l.retryAfter(["user:b"])).toBe(0);
    now += FIRST_LOCK_MS - 500;
    expect(l.retryAfter(keys)).toBe(1);
    now += 500;
    expect(l.retryAfter(keys)).toBe(0);
    for (let i = 0; i < 5; i++) l.fail(keys);
    expect(l.retryAfter(keys)).toBe(60);
    now += 60_000;
    for (let i = 0; i < 5; i++) l.fail(keys);
    expect(l.retryAfter(keys)).toBe(120);
    l.succeed(["user:a"]);
    expect(l.retryAfter(["user:a"])).toBe(0);
    expect(l.retryAfter(["addr:1"])).toBe(120);
  });

  it("remembers a bounded number of keys", () => {
    const l = new LoginLimiter(() => 0);
    for (let i = 0; i < 20_000; i++) l.fail([`addr:${i}`]);
    expect(l.size).toBeLessThanOrEqual(10_000);
  });
});

describe("roles", () => {
  it("viewer < member < admin; a read-only token acts as at most a viewer", () => {
    expect(allows("viewer", "member")).toBe(false);
    expect(allows("member", "member")).toBe(true);
    expect(allows("admin", "member")).toBe(true);
    expect(allows("viewer", "public")).toBe(true);
    expect(effectiveRole("admin", "read")).toBe("viewer");
    expect(effectiveRole("admin", "write")).toBe("admin");
    expect(effectiveRole("viewer", "write")).toBe("viewer");
  });
});

describe("secrets and cookies", () => {
  it("secrets have their prefix, 256 random bits, and a checked shape", () => {
    const t = newSecret(TOKEN_PREFIX);
    expect(isSecretShape(t, TOKEN_PREFIX)).toBe(true);
    expect(isSecretShape(t, SESSION_PREFIX)).toBe(false);
    expect(isSecretShape(newSecret(SESSION_PREFIX), SESSION_PREFIX)).toBe(true);
    expect(isSecretShape(t + "x", TOKEN_PREFIX)).toBe(false);
    expect(hashSecret(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecret(TOKEN_PREFIX)).not.toBe(t);
  });

  it("reads one cookie; session expiry is absolute and idle", () => {
    expect(readCookie("a=1; vs_session=vss_x; b=2", "vs_session")).toBe("vss_x");
    expect(readCookie("xvs_session=1", "vs_session")).toBeUndefined();
    expect(readCookie(null, "vs_session")).toBeUndefined();
    const now = Date.parse("2026-06-01T00:00:00Z");
    const s = (exp: number, seen: number) => ({ expiresAt: new Date(now + exp), lastSeenAt: new Date(now - seen) });
    expect(sessionExpiry(s(1000, 0), now, 72)).toBeNull();
    expect(sessionExpiry(s(0, 0), now, 72)).toBe("expired");
    expect(sessionExpiry(s(1000, 72 * 3600_000), now, 72)).toBe("idle");
  });

  it("https and the client address come from forwarded headers only with TRUST_PROXY", () => {
    const r = new Request("http://h/api", { headers: { "x-forwarded-proto": "https", "x-forwarded-for": "1.2.3.4, 10.0.0.1" } });
    expect(isHttps(r, false)).toBe(false);
    expect(isHttps(r, true)).toBe(true);
    expect(isHttps(new Request("https://h/api"), false)).toBe(true);
    expect(clientAddress(r, true)).toBe("1.2.3.4");
    expect(clientAddress(r, false)).toBe("1.2.3.4, 10.0.0.1");
  });
});

describe("hosts, origins, headers", () => {
  const allowed = ["localhost", "127.0.0.1", "[::1]", "studio.lan"];
  it("allows listed hosts with any port, nothing else", () => {
    for (const h of ["localhost:3000", "127.0.0.1", "[::1]:3000", "STUDIO.lan:443"]) expect(hostAllowed(h, allowed), h).toBe(true);
    for (const h of ["attacker.example", "127.0.0.1.nip.io", "localhost.evil", "", "studio.lan:x", "[::2]"]) expect(hostAllowed(h, allowed), h).toBe(false);
    expect(hostAllowed(null, allowed)).toBe(false);
  });

  it("same-origin writes: Origin must be ours; else Sec-Fetch-Site same-origin/none; a cookie without either is refused", () => {
    const req = (h: Record<string, string>, method = "POST") => new Request("http://studio.lan:3000/api/x", { method, headers: { host: "studio.lan:3000", ...h } });
    expect(ownOrigin(req({}), false)).toBe("http://studio.lan:3000");
    expect(() => checkSameOrigin(req({ origin: "http://studio.lan:3000", cookie: "vs_session=x" }), false)).not.toThrow();
    expect(() => checkSameOrigin(req({ origin: "http://evil.test", cookie: "vs_session=x" }), false)).toThrow(/cross-site/);
    expect(() => checkSameOrigin(req({ origin: "http://evil.test" }), false)).toThrow(/cross-site/);
    expect(() => checkSameOrigin(req({ "sec-fetch-site": "same-origin", cookie: "vs_session=x" }), false)).not.toThrow();
    expect(() => checkSameOrigin(req({ "sec-fetch-site": "cross-site" }), false)).toThrow(/Sec-Fetch-Site cross-site/);
    expect(() => checkSameOrigin(req({ cookie: "vs_session=x" }), false)).toThrow(/no Origin/);
    expect(() => checkSameOrigin(req({}), false)).not.toThrow();
    expect(() => checkSameOrigin(req({ origin: "http://evil.test", authorization: "Bearer vs_x" }), false)).not.toThrow();
    expect(() => checkSameOrigin(req({ origin: "http://evil.test" }, "GET"), false)).not.toThrow();
    // behind a proxy
    const proxied = req({ "x-forwarded-proto": "https", "x-forwarded-host": "voice.example.org", origin: "https://voice.example.org", cookie: "vs_session=x" });
    expect(() => checkSameOrigin(proxied, true)).not.toThrow();
    expect(() => checkSameOrigin(proxied, false)).toThrow(/cross-site/);
  });

  it("CSP forbids framing and foreign sources; eval only in dev", () => {
    const csp = contentSecurityPolicy(false);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy(true)).toContain("unsafe-eval");
  });

  it("the generic activity of a write names the collection and the item", () => {
    expect(genericActivity("DELETE", "/api/models/ab12")).toEqual({ action: "DELETE /api/models/ab12", target: { type: "models", name: "ab12" } });
    expect(genericActivity("POST", "/api/experiments")).toEqual({ action: "POST /api/experiments", target: { type: "experiments" } });
    expect(genericActivity("POST", "/api/experiments/my%20voice/train").target).toEqual({ type: "experiments", name: "my voice" });
    expect(genericActivity("POST", "/api/experiments/bad%E0/train").target).toEqual({ type: "experiments", name: "bad%E0" });
  });
});
