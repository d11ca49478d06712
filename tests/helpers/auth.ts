/**
 * Credentials for tests: global-setup creates an admin and a read-write API token through the real lib functions
 * and exports the secret as TEST_TOKEN; every test request carries it as `Authorization: Bearer` (no bypass).
 */
export function testToken(): string {
  const t = process.env.TEST_TOKEN;
  if (!t) throw new Error("TEST_TOKEN is not set (tests/integration/global-setup.ts creates it)");
  return t;
}

export function withAuth(init: RequestInit = {}, token = testToken()): RequestInit {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
  return { ...init, headers };
}

/** `new Request(url, init)` with the test token. */
export const authed = (url: string, init?: RequestInit) => new Request(url, withAuth(init));

/** `fetch(url, init)` with the test token. */
export const authFetch = (url: string | URL, init?: RequestInit) => fetch(url, withAuth(init));
