/** Roles and what they may do: viewer < member < admin. A read-only API token acts as at most a viewer. Pure. */
export const ROLES = ["admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];
/** what a route requires: anyone, or at least this role */
export type Access = "public" | Role;
export const TOKEN_SCOPES = ["read", "write"] as const;
/** an account name: 1-64 of letters, digits, '.', '_', '-', starting with a letter or digit */
export const USER_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const RANK: Record<Role, number> = { viewer: 1, member: 2, admin: 3 };

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

/** The role a request acts with: the user's, capped at viewer for a read-only token. */
export function effectiveRole(userRole: Role, scope?: TokenScope): Role {
  return scope === "read" && RANK[userRole] > RANK.viewer ? "viewer" : userRole;
}

export function allows(role: Role, required: Access): boolean {
  return required === "public" || RANK[role] >= RANK[required];
}
