/** Host allowlist and security headers (proxy.ts and next.config.mjs). Pure. */

/** True when a Host header (with or without port) names an allowed host. */
export function hostAllowed(host: string | null, allowed: readonly string[]): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  // [v6]:port, [v6], name:port, name
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return m !== null && allowed.includes(m[1]!);
}

/**
 * Content-Security-Policy: only our own origin, no framing, no plugins. Scripts allow 'unsafe-inline' because the
 * App Router streams its payload in inline <script> tags and nonces would force every page to render dynamically
 * with a per-request nonce; we render no user-written HTML (React escapes text), so the inline allowance guards
 * against nothing that can reach a page here. Dev (`next dev`) also needs 'unsafe-eval' for its fast refresh.
 */
export function contentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(dev: boolean): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(dev),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
  };
}
