/**
 * Password hashing with scrypt from node:crypto. The stored string carries its parameters
 * (`scrypt$N$r$p$salt$hash`, base64url), so the cost can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { badRequest } from "../errors";

/** 2^15, r=8, p=1: measured ~170 ms per hash on the 2-core development machine (README). */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const PASSWORD_MIN = 8;
/** longer passwords are refused before hashing (scrypt's cost does not depend on it, but bodies stay small) */
export const PASSWORD_MAX = 512;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Throws a 400 naming the rule a new password breaks. Pure. */
export function checkPasswordRules(password: unknown, field = "password"): string {
  if (typeof password !== "string") throw badRequest("invalid_password", `${field} must be a string`, { field });
  if (password.length < PASSWORD_MIN) {
    throw badRequest("weak_password", `${field} must be at least ${PASSWORD_MIN} characters long`, { field });
  }
  if (password.length > PASSWORD_MAX) {
    throw badRequest("invalid_password", `${field} must be at most ${PASSWORD_MAX} characters long`, { field });
  }
  return password;
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Parse a stored hash; undefined when it is not one of ours (then no password matches it). Pure. */
export function parseHash(encoded: string): { N: number; r: number; p: number; salt: Buffer; key: Buffer } | undefined {
  const m = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(encoded);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // a power of two from 2^10 to 2^20 (anything else is a corrupt or hostile row, not a cost to pay)
  if (N < 1024 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  return { N, r, p, salt: Buffer.from(m[4]!, "base64url"), key: Buffer.from(m[5]!, "base64url") };
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const h = parseHash(encoded);
  if (!h || typeof password !== "string" || password.length > PASSWORD_MAX) return false;
  const key = await derive(password, h.salt, h.N, h.r, h.p);
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/** A hash to compare against when the account does not exist, so that unknown names take as long as known ones. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  return dummy;
}
