/**
 * The client's address as the app sees it (`X-Forwarded-For`, read by lib/auth/sessions.ts#clientAddress). Next's
 * server keeps an incoming `X-Forwarded-For` as it is and only fills it in when absent, so without a proxy any
 * client could name its own address (and so dodge the per-address login limit and forge the activity log). Our web
 * server (web-server.ts) rewrites the header from the socket before Next sees it. Pure.
 *
 * - without TRUST_PROXY: the socket's address only; whatever the client sent is dropped;
 * - with TRUST_PROXY (the app sits behind one reverse proxy that sets the header, e.g. the shipped Caddyfile): the
 *   proxy's header, with the socket's address (the proxy's) appended as the last hop.
 */
export function forwardedFor(incoming: string | string[] | undefined, socketAddress: string | undefined, trustProxy: boolean): string {
  const remote = (socketAddress ?? "").replace(/^::ffff:/, "") || "unknown";
  if (!trustProxy) return remote;
  const sent = (Array.isArray(incoming) ? incoming.join(",") : (incoming ?? "")).trim();
  return sent ? `${sent}, ${remote}` : remote;
}

/** Headers only a trusted proxy may set: dropped from direct requests so nothing downstream reads them by mistake. */
export const PROXY_ONLY_HEADERS = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip", "forwarded"] as const;
