/** Secrets for API tokens and sessions: a prefix + 32 random bytes (base64url); only their sha256 is stored. */
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "vs_";
export const SESSION_PREFIX = "vss_";
/** characters of a token shown in lists (prefix + 6), enough to recognise it, far too few to guess it */
export const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** True when `s` has exactly the shape of a secret with this prefix (checked before any database lookup). Pure. */
export function isSecretShape(s: string, prefix: string): boolean {
  return s.length === prefix.length + 43 && s.startsWith(prefix) && /^[A-Za-z0-9_-]{43}$/.test(s.slice(prefix.length));
}
