/** Personal API tokens: `vs_…` shown once at creation, stored as sha256, read or write scope, revocable. */
import { db, type Db } from "../db";
import { badRequest, notFound } from "../errors";
import { isUuid } from "../ids";
import { TOKEN_SCOPES, type Role, type TokenScope } from "./roles";
import { DISPLAY_PREFIX_LENGTH, hashSecret, isSecretShape, newSecret, TOKEN_PREFIX } from "./tokens";

const TOUCH_MS = 60_000;

type TokenRow = { id: string; userId: string; name: string; prefix: string; scope: TokenScope; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

export function toApiToken(t: TokenRow & { user?: { name: string } }) {
  return {
    id: t.id,
    userId: t.userId,
    ...(t.user ? { userName: t.user.name } : {}),
    name: t.name,
    prefix: t.prefix,
    scope: t.scope,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}

export async function createToken(userId: string, input: { name: unknown; scope: unknown }, prisma: Db = db()) {
  if (typeof input.name !== "string" || input.name.trim() === "" || input.name.length > 100) {
    throw badRequest("invalid_name", "name must be 1-100 characters", { field: "name" });
  }
  const scope = input.scope ?? "read";
  if (!(TOKEN_SCOPES as readonly unknown[]).includes(scope)) throw badRequest("invalid_scope", "scope must be read or write", { field: "scope" });
  const secret = newSecret(TOKEN_PREFIX);
  const row = await prisma.apiToken.create({
    data: { userId, name: input.name.trim(), scope: scope as TokenScope, tokenHash: hashSecret(secret), prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH) },
  });
  return { token: toApiToken(row), secret };
}

export async function listTokens(opts: { userId?: string }, prisma: Db = db()) {
  const rows = await prisma.apiToken.findMany({
    where: opts.userId ? { userId: opts.userId } : {},
    orderBy: { createdAt: "desc" },
    include: { user: { select: { name: true } } },
  });
  return rows.map(toApiToken);
}

/** Revoke a token: its owner, or an admin (`asAdmin`). Others' tokens are a 404, like missing ones. */
export async function revokeToken(id: string, caller: { userId: string; asAdmin: boolean }, prisma: Db = db()) {
  const t = isUuid(id) ? await prisma.apiToken.findUnique({ where: { id } }) : null;
  if (!t || (!caller.asAdmin && t.userId !== caller.userId)) throw notFound("token_not_found", "No such token");
  const row = t.revokedAt ? t : await prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  return toApiToken(row);
}

/** The token and its user for a bearer secret, or null (unknown, revoked, or its user disabled). */
export async function resolveToken(secret: string, prisma: Db = db()) {
  if (!isSecretShape(secret, TOKEN_PREFIX)) return null;
  // one indexed query on every API request (bench/auth.ts): the token joined with its user
  const [t] = await prisma.$queryRaw<
    { id: string; scope: TokenScope; lastUsedAt: Date | null; revokedAt: Date | null; userId: string; name: string; role: Role; disabledAt: Date | null }[]
  >`SELECT t.id, t.scope::text AS scope, t."lastUsedAt", t."revokedAt", u.id AS "userId", u.name, u.role::text AS role, u."disabledAt"
      FROM "ApiToken" t JOIN "User" u ON u.id = t."userId" WHERE t."tokenHash" = ${hashSecret(secret)}`;
  if (!t || t.revokedAt || t.disabledAt) return null;
  const now = Date.now();
  if (!t.lastUsedAt || now - t.lastUsedAt.getTime() >= TOUCH_MS) {
    await prisma.apiToken.updateMany({ where: { id: t.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { token: { id: t.id, scope: t.scope }, user: { id: t.userId, name: t.name, role: t.role } };
}
