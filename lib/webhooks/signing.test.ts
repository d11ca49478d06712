import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { wantsEvent } from "./events";
import { newWebhookSecret, secretKey, sign, signedHeaders, verify } from "./signing";

/** An independent HMAC of the Standard Webhooks signed content, straight from node:crypto. */
function expectedSignature(keyBytes: Buffer, id: string, ts: number, body: string): string {
  return createHmac("sha256", keyBytes).update(id + "." + ts + "." + body).digest("base64");
}

describe("webhook signing (Standard Webhooks)", () => {
  it("matches the example published with the Standard Webhooks specification", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    expect(sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("signs id.timestamp.body with the decoded secret bytes (computed independently here)", () => {
    const key = randomBytes(32);
    const secret = "whsec_" + key.toString("base64");
    const body = JSON.stringify({ type: "job.succeeded", timestamp: "2026-12-01T00:00:00.000Z", data: { id: "x", ünïcode: "✓" } });
    const headers = signedHeaders(secret, "msg_1", 1764547200, body);
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-timestamp"]).toBe("1764547200");
    expect(headers["webhook-signature"]).toBe("v1," + expectedSignature(key, "msg_1", 1764547200, body));
    // not the secret string itself as the key
    expect(headers["webhook-signature"]).not.toBe("v1," + createHmac("sha256", secret).update(`msg_1.1764547200.${body}`).digest("base64"));
  });

  it("makes whsec_ secrets of 32 random bytes", () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(a)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
    expect(() => secretKey("whsec_" + randomBytes(16).toString("base64"))).toThrow(/24 bytes/);
    expect(() => secretKey("whsec_not base64!")).toThrow(/base64/);
  });

  it("verify accepts a good signature (also within a space-separated list) and refuses tampering, other secrets and stale times", () => {
    const secret = newWebhookSecret();
    const body = '{"type":"ping"}';
    const now = 1_800_000_000;
    const sig = sign(secret, "msg_a", now, body);
    const h = { id: "msg_a", timestamp: String(now), signature: sig };
    expect(verify(secret, h, body, now)).toEqual({ ok: true });
    expect(verify(secret, { ...h, signature: `v1,AAAA ${sig} v2,zzz` }, body, now)).toEqual({ ok: true });
    expect(verify(secret, h, body + " ", now)).toEqual({ ok: false, reason: "no_match" });
    expect(verify(secret, { ...h, id: "msg_b" }, body, now)).toEqual({ ok: false, reason: "no_match" });
    expect(verify(newWebhookSecret(), h, body, now)).toEqual({ ok: false, reason: "no_match" });
    expect(verify(secret, { ...h, signature: sig.replace("v1,", "v2,") }, body, now)).toEqual({ ok: false, reason: "no_match" });
    expect(verify(secret, h, body, now + 301)).toEqual({ ok: false, reason: "too_old" });
    expect(verify(secret, h, body, now - 301)).toEqual({ ok: false, reason: "too_new" });
    expect(verify(secret, { ...h, timestamp: "12.5" }, body, now)).toEqual({ ok: false, reason: "bad_timestamp" });
    expect(verify(secret, { ...h, signature: null }, body, now)).toEqual({ ok: false, reason: "missing_headers" });
  });

  it("refuses a fractional timestamp when signing", () => {
    expect(() => sign(newWebhookSecret(), "m", 1.5, "{}")).toThrow(/whole seconds/);
  });
});

describe("event filter", () => {
  it("an empty filter takes every event; otherwise only those listed", () => {
    expect(wantsEvent([], "job.failed")).toBe(true);
    expect(wantsEvent(["job.failed"], "job.failed")).toBe(true);
    expect(wantsEvent(["job.failed"], "job.succeeded")).toBe(false);
  });
});
