/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/): pure functions, no I/O.
 *
 * - secret: `whsec_` + base64 of 32 random bytes; the HMAC key is the decoded bytes
 * - signed content: `${webhook-id}.${webhook-timestamp}.${body}` (timestamp in whole seconds)
 * - `webhook-signature`: `v1,` + base64(HMAC-SHA256(key, signed content)); receivers accept a space-separated list
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;
/** receivers should refuse a timestamp further than this from their clock (replay protection) */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

/** The key bytes of a `whsec_…` secret (a secret without the prefix is taken as base64 as well). */
export function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error("the webhook secret is not base64");
  const key = Buffer.from(b64, "base64");
  if (key.length < 24) throw new Error("the webhook secret must hold at least 24 bytes");
  return key;
}

/** `v1,<base64 signature>` of one message. */
export function sign(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  if (!Number.isInteger(timestampSeconds)) throw new Error("the webhook timestamp must be whole seconds");
  const mac = createHmac("sha256", secretKey(secret)).update(`${messageId}.${timestampSeconds}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The three headers a delivery carries (plus content-type). */
export function signedHeaders(secret: string, messageId: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": sign(secret, messageId, timestampSeconds, body),
  };
}

export type VerifyResult = { ok: true } | { ok: false; reason: "missing_headers" | "bad_timestamp" | "too_old" | "too_new" | "no_match" };

/**
 * What a receiver does: the timestamp within `toleranceSeconds` of `nowSeconds`, and one `v1,` entry of the
 * space-separated signature list equal (constant time) to the expected one.
 */
export function verify(
  secret: string,
  headers: { id?: string | null; timestamp?: string | null; signature?: string | null },
  body: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  const ts = Number(timestamp);
  if (ts < nowSeconds - toleranceSeconds) return { ok: false, reason: "too_old" };
  if (ts > nowSeconds + toleranceSeconds) return { ok: false, reason: "too_new" };
  const expected = Buffer.from(sign(secret, id, ts, body).slice(3), "base64");
  for (const entry of signature.split(" ")) {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) continue;
    const given = Buffer.from(value, "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: "no_match" };
}
