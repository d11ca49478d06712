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

/**
 * A write token on a server of its own (a launcher with its own database, seeded by STUDIO_PASSWORD): logs in as
 * `admin` through the real API (same-origin, as a browser would) and creates a token.
 */
export async function loginAndMakeToken(base: string, password: string, timeoutMs = 240_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ name: "admin", password }),
    }).catch(() => null);
    if (res?.status === 200) {
      const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
      const made = await fetch(`${base}/api/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base, cookie },
        body: JSON.stringify({ name: "test", scope: "write" }),
      });
      if (made.status !== 201) throw new Error(`could not create a token: ${made.status} ${await made.text()}`);
      return ((await made.json()) as { secret: string }).secret;
    }
    if (Date.now() > deadline) throw new Error(`could not log in to ${base}: ${res?.status ?? "no answer"}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
