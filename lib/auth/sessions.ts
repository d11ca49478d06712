/**
 * Browser sessions: a random secret in the `vs_session` cookie (HttpOnly, SameSite=Lax, Path=/, Secure over https),
 * stored as its sha256. Ends at `SESSION_MAX_DAYS` after login or after `SESSION_IDLE_HOURS` without use;
 * lastSeenAt is written at most once a minute.
 */
import { config } from "../config";
import { db, type Db } from "../db";
import type { Role } from "./roles";
import { hashSecret, isSecretShape, newSecret, SESSION_PREFIX } from "./tokens";

export const SESSION_COOKIE = "vs_session";
const TOUCH_MS = 60_000;

/** The value of one cookie from a Cookie header, or undefined. Pure. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** True when the browser reached us over https: the URL itself, or X-Forwarded-Proto when TRUST_PROXY is set. */
export function isHttps(req: Request, trustProxy = config().trustProxy): boolean {
  if (trustProxy) {
    const fwd = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
    if (fwd) return fwd === "https";
  }
  return new URL(req.url).protocol === "https:";
}

/** The client's address for the login limit: X-Forwarded-For (first hop with TRUST_PROXY, else as Next passes it). */
export function clientAddress(req: Request, trustProxy = config().trustProxy): string {
  const xff = req.headers.get("x-forwarded-for") ?? "";
  const first = trustProxy ? xff.split(",")[0] : xff;
  return (first ?? "").trim().slice(0, 100) || "unknown";
}

export function sessionCookie(secret: string, req: Request, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${isHttps(req) ? "; Secure" : ""}`;
}

export function clearSessionCookie(req: Request): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${isHttps(req) ? "; Secure" : ""}`;
}

export async function createSession(userId: string, req: Request, prisma: Db = db()): Promise<{ secret: string; cookie: string }> {
  const cfg = config();
  const secret = newSecret(SESSION_PREFIX);
  const maxAge = cfg.sessionMaxDays * 86400;
  await prisma.session.create({
    data: {
      tokenHash: hashSecret(secret),
      userId,
      expiresAt: new Date(Date.now() + maxAge * 1000),
      ip: clientAddress(req),
      userAgent: req.headers.get("user-agent")?.slice(0, 300) ?? null,
    },
  });
  return { secret, cookie: sessionCookie(secret, req, maxAge) };
}

/** Pure: why a session is no longer valid at `now`, or null while it is. */
export function sessionExpiry(s: { expiresAt: Date; lastSeenAt: Date }, now: number, idleHours: number): "expired" | "idle" | null {
  if (s.expiresAt.getTime() <= now) return "expired";
  if (s.lastSeenAt.getTime() + idleHours * 3600_000 <= now) return "idle";
  return null;
}

/** The session's user for a cookie secret, or null (unknown, expired, idle, or its user disabled). */
export async function resolveSession(secret: string, prisma: Db = db()) {
  if (!isSecretShape(secret, SESSION_PREFIX)) return null;
  // one indexed query per request (bench/auth.ts): the session joined with its user
  const [s] = await prisma.$queryRaw<
    { id: string; expiresAt: Date; lastSeenAt: Date; userId: string; name: string; role: Role; disabledAt: Date | null }[]
  >`SELECT s.id, s."expiresAt", s."lastSeenAt", u.id AS "userId", u.name, u.role::text AS role, u."disabledAt"
      FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE s."tokenHash" = ${hashSecret(secret)}`;
  if (!s) return null;
  const now = Date.now();
  if (sessionExpiry(s, now, config().sessionIdleHours)) {
    await prisma.session.deleteMany({ where: { id: s.id } });
    return null;
  }
  if (s.disabledAt) return null;
  if (now - s.lastSeenAt.getTime() >= TOUCH_MS) {
    await prisma.session.updateMany({ where: { id: s.id }, data: { lastSeenAt: new Date(now) } });
  }
  return { session: { id: s.id }, user: { id: s.userId, name: s.name, role: s.role } };
}

export async function deleteSession(secret: string, prisma: Db = db()): Promise<void> {
  await prisma.session.deleteMany({ where: { tokenHash: hashSecret(secret) } });
}

export async function deleteUserSessions(userId: string, prisma: Db = db()): Promise<number> {
  return (await prisma.session.deleteMany({ where: { userId } })).count;
}
