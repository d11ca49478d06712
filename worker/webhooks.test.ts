import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWebhookSecret } from "../lib/webhooks/signing";
import { postMessage, USER_AGENT } from "./webhooks";

const seen: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
const hanging: http.ServerResponse[] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    seen.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (req.url === "/redirect") res.writeHead(302, { location: "/elsewhere" }).end();
    else if (req.url === "/hang") hanging.push(res); // never answers
    else if (req.url === "/big") {
      res.writeHead(200);
      res.write(Buffer.alloc(1024 * 1024)); // more than anyone needs; the client must not wait for the rest
    } else res.writeHead(204).end();
  });
});
let base = "";

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of hanging) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("postMessage", () => {
  it("POSTs the body with the Standard Webhooks headers; 2xx is success", async () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: "ping", timestamp: new Date().toISOString(), data: {} });
    const r = await postMessage(`${base}/ok`, secret, "msg_x", body, { timeoutSeconds: 5 });
    expect(r).toMatchObject({ ok: true, responseStatus: 204, error: null });
    const got = seen.find((s) => s.url === "/ok")!;
    expect(got.body).toBe(body);
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["user-agent"]).toBe(USER_AGENT);
    const key = Buffer.from(secret.slice(6), "base64");
    const mac = createHmac("sha256", key).update(`msg_x.${got.headers["webhook-timestamp"]}.${body}`).digest("base64");
    expect(got.headers["webhook-signature"]).toBe(`v1,${mac}`);
  });

  it("does not follow a redirect: it is a failed attempt naming the target", async () => {
    const r = await postMessage(`${base}/redirect`, newWebhookSecret(), "msg_r", "{}", { timeoutSeconds: 5 });
    expect(r).toMatchObject({ ok: false, responseStatus: 302 });
    expect(r.error).toMatch(/redirects are not followed \(to \/elsewhere\)/);
    expect(seen.filter((s) => s.url === "/elsewhere")).toEqual([]);
  });

  it("gives up on a receiver that never answers, and on one that is not there", async () => {
    const r = await postMessage(`${base}/hang`, newWebhookSecret(), "msg_h", "{}", { timeoutSeconds: 1 });
    expect(r).toMatchObject({ ok: false, responseStatus: null, error: "no answer within 1 s" });
    const closed = http.createServer();
    await new Promise<void>((res) => closed.listen(0, "127.0.0.1", res));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((res) => closed.close(res));
    const gone = await postMessage(`http://127.0.0.1:${port}/`, newWebhookSecret(), "msg_g", "{}", { timeoutSeconds: 5 });
    expect(gone.ok).toBe(false);
    expect(gone.error).toMatch(/ECONNREFUSED/);
  });

  it("does not read the answer's body", async () => {
    const r = await postMessage(`${base}/big`, newWebhookSecret(), "msg_b", "{}", { timeoutSeconds: 5 });
    expect(r).toMatchObject({ ok: true, responseStatus: 200 });
  });
});
