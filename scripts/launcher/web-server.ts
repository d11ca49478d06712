/**
 * The web process of `npm start`: Next's request handler behind our own Node HTTP server instead of `next start`,
 * for one reason — the client's address. `next start` keeps a client's own `X-Forwarded-For`; here it is rewritten
 * from the socket before Next sees it (forwarded.ts), and the other forwarding headers are dropped unless
 * TRUST_PROXY says a reverse proxy sets them. Everything else is Next's (`next({dev:false}).getRequestHandler()`,
 * the documented custom-server API): routes, proxy.ts, streaming. `npm run dev` keeps `next dev`.
 * Usage (from scripts/start.ts): node --import tsx scripts/launcher/web-server.ts PORT HOST
 */
import http from "node:http";
import path from "node:path";
import next from "next";
import { config } from "../../lib/config";
import { forwardedFor, PROXY_ONLY_HEADERS } from "./forwarded";

const [portArg, host = "127.0.0.1"] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: web-server.ts PORT [HOST]");
  process.exit(2);
}
const trustProxy = config().trustProxy;
const app = next({ dev: false, dir: path.resolve(import.meta.dirname, "..", ".."), hostname: host, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  req.headers["x-forwarded-for"] = forwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress, trustProxy);
  if (!trustProxy) for (const h of PROXY_ONLY_HEADERS) delete req.headers[h];
  handle(req, res).catch((err: unknown) => {
    console.error("[web] request failed:", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "internal", message: "Internal error" } }));
  });
});
// idle keep-alive connections outlive a reverse proxy's own idle timeout (Caddy/nginx ≤ 60 s), so the proxy never
// reuses a socket we are closing; Node's header and request timeouts stay (a slow client cannot hold a socket)
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`ready on http://${host.includes(":") ? `[${host}]` : host}:${port}`));

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
