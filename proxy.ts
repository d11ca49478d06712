/**
 * Next's request proxy (Next 16's successor of middleware.ts), in front of every page (not the API):
 * - Host allowlist (ALLOWED_HOSTS): another Host is refused with 421 JSON, so DNS rebinding reaches nothing;
 * - pages without a session cookie go to /login (the pages themselves verify the session: lib/auth/page.ts);
 * - security headers (CSP with frame-ancestors 'none', nosniff, Referrer-Policy, X-Frame-Options).
 * API routes are left out on purpose: Next buffers the body of every request the proxy sees in memory and cuts it
 * at 10 MB (`proxyClientMaxBodySize`), which would truncate uploads and stall resumable ones. The API's own gate
 * (lib/http.ts#route) checks the Host and credentials; next.config.mjs sets the API's headers.
 */
import { NextResponse, type NextRequest } from "next/server";
import { config as appConfig } from "./lib/config";
import { hostAllowed, securityHeaders } from "./lib/auth/headers";

const PUBLIC_PAGES = new Set(["/login", "/setup"]);

export function proxy(request: NextRequest) {
  const cfg = appConfig();
  const host = request.headers.get("host");
  if (!hostAllowed(host, cfg.allowedHosts)) {
    const res = NextResponse.json(
      { error: { code: "host_not_allowed", message: `This server does not answer for host ${JSON.stringify((host ?? "").slice(0, 100))}; add it to ALLOWED_HOSTS` } },
      { status: 421 },
    );
    return withHeaders(res);
  }
  const { pathname, search } = request.nextUrl;
  if (!PUBLIC_PAGES.has(pathname) && !request.cookies.has("vs_session")) {
    const to = new URL("/login", request.url);
    if (pathname !== "/") to.searchParams.set("next", pathname + search);
    return withHeaders(NextResponse.redirect(to, 303));
  }
  return withHeaders(NextResponse.next());
}

function withHeaders(res: NextResponse): NextResponse {
  for (const [k, v] of Object.entries(securityHeaders(process.env.NODE_ENV !== "production"))) res.headers.set(k, v);
  return res;
}

export const config = {
  // pages only: not the API (see above) nor Next's static files (both get their headers from next.config.mjs)
  matcher: ["/((?!api/|api$|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
