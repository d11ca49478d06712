/**
 * Who is calling: `Authorization: Bearer vs_…` (an API token) or the `vs_session` cookie. Used by the one gate,
 * lib/http.ts#route, which every app/api route goes through.
 */
import { config } from "../config";
import { ApiError } from "../errors";
import { resolveToken } from "./api-tokens";
import { allows, effectiveRole, type Access, type Role, type TokenScope } from "./roles";
import { readCookie, resolveSession, SESSION_COOKIE, isHttps } from "./sessions";

export interface Caller {
  user: { id: string; name: string; role: Role };
  /** the role this request acts with (a read-only token: at most viewer) */
  role: Role;
  via: "session" | "token";
  sessionId?: string;
  tokenId?: string;
  scope?: TokenScope;
}

export const unauthenticated = (message = "Log in, or send Authorization: Bearer <API token>") => new ApiError(401, "unauthenticated", message);

/** The caller of a request, or null when it carries no credentials; a 401 when it carries bad ones. */
export async function resolveCaller(req: Request): Promise<Caller | null> {
  const authz = req.headers.get("authorization");
  if (authz !== null) {
    const m = /^Bearer +(\S{1,200})$/i.exec(authz.trim());
    if (!m) throw new ApiError(401, "invalid_token", "Authorization must be `Bearer vs_…` with an API token");
    const found = await resolveToken(m[1]!);
    if (!found) throw new ApiError(401, "invalid_token", "This API token is unknown, revoked, or its user is disabled");
    const { token, user } = found;
    return { user: { id: user.id, name: user.name, role: user.role }, role: effectiveRole(user.role, token.scope), via: "token", tokenId: token.id, scope: token.scope };
  }
  const secret = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  if (!secret) return null;
  const found = await resolveSession(secret);
  if (!found) throw unauthenticated("Your session has ended; log in again");
  const { session, user } = found;
  return { user: { id: user.id, name: user.name, role: user.role }, role: user.role, via: "session", sessionId: session.id };
}

export function requireAccess(caller: Caller | null, access: Access): void {
  if (access === "public") return;
  if (!caller) throw unauthenticated();
  if (!allows(caller.role, access)) {
    const why = caller.scope === "read" && caller.user.role !== "viewer" ? " (a read-only token acts as a viewer)" : "";
    throw new ApiError(403, "forbidden", `This needs the ${access} role; you act as ${caller.role}${why}`, { required: access, role: caller.role });
  }
}

/** The origin this request was addressed to (scheme + Host; X-Forwarded-Host/-Proto only with TRUST_PROXY). */
export function ownOrigin(req: Request, trustProxy = config().trustProxy): string {
  const fwdHost = trustProxy ? req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const host = fwdHost || req.headers.get("host") || new URL(req.url).host;
  return `${isHttps(req, trustProxy) ? "https" : "http"}://${host}`.toLowerCase();
}

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * State-changing requests without a bearer token must come from our own pages: `Origin` equal to our origin, or,
 * without Origin, `Sec-Fetch-Site: same-origin|none`. A request with neither is refused when it carries the
 * session cookie (a browser always sends one of them; a script should use a token).
 */
export function checkSameOrigin(req: Request, trustProxy = config().trustProxy): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (req.headers.get("authorization") !== null) return;
  const refuse = (why: string) =>
    new ApiError(403, "cross_site", `Refused a cross-site request (${why}); state-changing requests must come from this site's pages or carry an API token`);
  const origin = req.headers.get("origin");
  if (origin !== null) {
    if (origin.toLowerCase() !== ownOrigin(req, trustProxy)) throw refuse(`Origin ${origin.slice(0, 100)}`);
    return;
  }
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) {
    if (site !== "same-origin" && site !== "none") throw refuse(`Sec-Fetch-Site ${site.slice(0, 30)}`);
    return;
  }
  if (readCookie(req.headers.get("cookie"), SESSION_COOKIE)) throw refuse("no Origin or Sec-Fetch-Site");
}

/** For long responses (SSE): does this request's credential still grant `access`? Re-resolved on every call. */
export function accessCheck(req: Request, access: Access): () => Promise<boolean> {
  return async () => {
    const caller = await resolveCaller(req).catch(() => null);
    return access === "public" || (caller !== null && allows(caller.role, access));
  };
}
