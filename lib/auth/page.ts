/**
 * Pages (server components) read data directly, so each verifies the session itself: the proxy only checks that a
 * cookie is present, and a layout is not re-rendered on client navigation. `pageUser()` redirects to /login.
 */
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { type Role } from "./roles";
import { resolveSession, SESSION_COOKIE } from "./sessions";

export interface PageUser {
  id: string;
  name: string;
  role: Role;
}

/** The logged-in user, or null (for the nav and the public pages). */
export async function currentPageUser(): Promise<PageUser | null> {
  const secret = (await cookies()).get(SESSION_COOKIE)?.value;
  const found = secret ? await resolveSession(secret).catch(() => null) : null;
  return found ? { id: found.user.id, name: found.user.name, role: found.user.role } : null;
}

/** The logged-in user; without a valid session, a redirect to /login. */
export async function pageUser(): Promise<PageUser> {
  const user = await currentPageUser();
  if (!user) redirect("/login");
  return user;
}
