/** Accounts: create, list, change (role, disabled, password), authenticate. Names: 1-64 of [A-Za-z0-9._-]. */
import { db, type Db } from "../db";
import { ApiError, badRequest, conflict, notFound } from "../errors";
import { isUuid } from "../ids";
import { checkPasswordRules, dummyHash, hashPassword, verifyPassword } from "./password";
import { isRole, USER_NAME_PATTERN, type Role } from "./roles";
export { USER_NAME_PATTERN };

const NAME_RE = new RegExp(USER_NAME_PATTERN);

export interface PublicUser {
  id: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  passwordChangedAt: Date;
}

type UserRow = { id: string; name: string; role: Role; disabledAt: Date | null; createdAt: Date; passwordChangedAt: Date };

export function toPublicUser(u: UserRow): PublicUser {
  return { id: u.id, name: u.name, role: u.role, disabled: u.disabledAt !== null, createdAt: u.createdAt, passwordChangedAt: u.passwordChangedAt };
}

/** Pure: a valid user name or a 400. */
export function checkUserName(name: unknown): string {
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    throw badRequest("invalid_name", "name must be 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit", { field: "name" });
  }
  return name;
}

export async function countUsers(prisma: Db = db()): Promise<number> {
  return prisma.user.count();
}

export async function createUser(input: { name: unknown; password: unknown; role: unknown }, prisma: Db = db()): Promise<PublicUser> {
  const name = checkUserName(input.name);
  const password = checkPasswordRules(input.password);
  if (!isRole(input.role)) throw badRequest("invalid_role", "role must be admin, member or viewer", { field: "role" });
  const passwordHash = await hashPassword(password);
  try {
    return toPublicUser(await prisma.user.create({ data: { name, passwordHash, role: input.role } }));
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw conflict("user_exists", `A user named "${name}" already exists`, { name });
    throw err;
  }
}

/**
 * Create the first admin, only while no user exists. Serialised by an advisory lock so that two simultaneous
 * first visitors cannot both become admin.
 */
export async function createFirstAdmin(input: { name: unknown; password: unknown }, prisma: Db = db()): Promise<PublicUser> {
  const name = checkUserName(input.name);
  const password = checkPasswordRules(input.password);
  const passwordHash = await hashPassword(password);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727013)`;
    if ((await tx.user.count()) > 0) throw conflict("setup_done", "The admin account exists already; log in instead");
    return toPublicUser(await tx.user.create({ data: { name, passwordHash, role: "admin" } }));
  });
}

export async function listUsers(prisma: Db = db()): Promise<PublicUser[]> {
  return (await prisma.user.findMany({ orderBy: { createdAt: "asc" } })).map(toPublicUser);
}

export async function getUserRow(id: string, prisma: Db = db()) {
  const u = isUuid(id) ? await prisma.user.findUnique({ where: { id } }) : null;
  if (!u) throw notFound("user_not_found", `No user with id ${JSON.stringify(id.slice(0, 60))}`);
  return u;
}

/**
 * Admin changes: role, disabled, a new password. Disabling, demoting or resetting ends the user's sessions
 * (tokens stay but act with the new role; a disabled user's tokens are refused). The last active admin cannot
 * be demoted or disabled.
 */
export async function updateUser(id: string, patch: { role?: unknown; disabled?: unknown; password?: unknown }, prisma: Db = db()): Promise<PublicUser> {
  if (patch.role !== undefined && !isRole(patch.role)) throw badRequest("invalid_role", "role must be admin, member or viewer", { field: "role" });
  if (patch.disabled !== undefined && typeof patch.disabled !== "boolean") throw badRequest("invalid_disabled", "disabled must be true or false", { field: "disabled" });
  const password = patch.password === undefined ? undefined : checkPasswordRules(patch.password);
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727013)`;
    const user = await getUserRow(id, tx as unknown as Db);
    const losesAdmin = user.role === "admin" && user.disabledAt === null && ((patch.role !== undefined && patch.role !== "admin") || patch.disabled === true);
    if (losesAdmin && (await tx.user.count({ where: { role: "admin", disabledAt: null } })) <= 1) {
      throw conflict("last_admin", "This is the last active admin; make another admin first");
    }
    const now = new Date();
    const updated = await tx.user.update({
      where: { id },
      data: {
        ...(patch.role !== undefined ? { role: patch.role as Role } : {}),
        ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? (user.disabledAt ?? now) : null } : {}),
        ...(passwordHash !== undefined ? { passwordHash, passwordChangedAt: now } : {}),
      },
    });
    if (patch.disabled === true || passwordHash !== undefined || (patch.role !== undefined && patch.role !== user.role)) {
      await tx.session.deleteMany({ where: { userId: id } });
    }
    return toPublicUser(updated);
  });
}

/** The user for a name and password, or a 401 that does not say which of the two was wrong. */
export async function authenticate(name: string, password: string, prisma: Db = db()) {
  const user = NAME_RE.test(name) ? await prisma.user.findUnique({ where: { name } }) : null;
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) return null;
  if (user.disabledAt) throw new ApiError(403, "account_disabled", "This account is disabled; ask an admin");
  return user;
}

export async function changeOwnPassword(userId: string, current: unknown, next: unknown, prisma: Db = db()): Promise<void> {
  if (typeof current !== "string") throw badRequest("invalid_current", "current must be your current password", { field: "current" });
  const password = checkPasswordRules(next);
  const user = await getUserRow(userId, prisma);
  if (!(await verifyPassword(current, user.passwordHash))) {
    throw badRequest("wrong_password", "The current password is not right", { field: "current" });
  }
  await prisma.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() } });
}
