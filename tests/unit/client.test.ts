/** The typed client's rules with a fake fetch: errors, retries, Idempotency-Key, SSE parsing and reconnects. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ApiError } from "../../lib/errors";
import { createCoreClient, errorFromResponse } from "../../lib/client/client";
import { filenameFromDisposition, saveResponse } from "../../lib/client/node";
import { parseSse } from "../../lib/client/sse";
import { FileUrlStorage } from "../../lib/client/url-storage";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vs-client-unit-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** A fetch that answers from a list (a Response, or an Error to throw as a network failure) and records calls. */
function fakeFetch(answers: (Response | Error | ((call: Call) => Response | Error))[]) {
  const calls: Call[] = [];
  const fn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const call = { url: String(input), method: init.method ?? "GET", headers: Object.fromEntries(new Headers(init.headers).entries()) };
    calls.push(call);
    let a = answers.shift();
    if (a === undefined) throw new Error(`unexpected call ${call.method} ${call.url}`);
    if (typeof a === "function") a = a(call);
    if (a instanceof Error) throw a;
    return a;
  }) as typeof fetch;
  return { fn, calls };
}

const netErr = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const client = (f: typeof fetch, extra = {}) => createCoreClient({ baseUrl: "http://s.test/", token: "vs_tok", fetch: f, retryDelayMs: 1, ...extra });

function sseBody(text: string, chunk = 7): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(at, at + chunk));
      at += chunk;
    },
  });
}
const sse = (text: string) => new Response(sseBody(text), { headers: { "content-type": "text/event-stream" } });
const event = (id: number, kind: string, data: Record<string, unknown>) =>
  `id: ${id}\nevent: ${kind}\ndata: ${JSON.stringify({ id: String(id), jobId: "j1", kind, level: null, message: null, data, at: "t" })}\n\n`;

describe("requests", () => {
  it("send the bearer token and turn the API's error shape into an ApiError with status, code, message, details", async () => {
    const { fn, calls } = fakeFetch([json({ error: { code: "experiment_not_found", message: 'No experiment "x"', details: { name: "x" } } }, 404)]);
    const err = await client(fn).experiments.get("x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: "experiment_not_found", message: 'No experiment "x"', details: { name: "x" } });
    expect(calls[0]).toMatchObject({ url: "http://s.test/api/experiments/x", method: "GET", headers: { authorization: "Bearer vs_tok" } });
  });

  it("describe a non-JSON error answer and keep a 500's request id", async () => {
    const plain = await errorFromResponse(new Response("<html>Bad gateway</html>", { status: 418, statusText: "Teapot" }));
    expect(plain).toMatchObject({ status: 418, code: "http_418", message: "HTTP 418 Teapot: <html>Bad gateway</html>" });
    const internal = await errorFromResponse(json({ error: { code: "internal", message: "Internal error", requestId: "r1" } }, 500));
    expect(internal).toMatchObject({ code: "internal", details: { requestId: "r1" } });
  });

  it("retry a GET after network errors, then give up with a network_error ApiError", async () => {
    const ok = fakeFetch([netErr(), netErr(), json({ experiments: [{ name: "a" }] })]);
    expect(await client(ok.fn).experiments.list()).toEqual([{ name: "a" }]);
    expect(ok.calls).toHaveLength(3);
    const down = fakeFetch([netErr(), netErr(), netErr(), netErr()]);
    const err = await client(down.fn).experiments.list().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: "network_error", message: "Could not reach http://s.test: ECONNRESET" });
    expect(down.calls).toHaveLength(4);
  });

  it("retry a GET on 503 but not on a 4xx", async () => {
    const f = fakeFetch([json({ error: { code: "queue_unavailable", message: "x" } }, 503), json({ id: "j" })]);
    expect(await client(f.fn).jobs.get("j")).toEqual({ id: "j" });
    const g = fakeFetch([json({ error: { code: "job_not_found", message: "no" } }, 404)]);
    await expect(client(g.fn).jobs.get("j")).rejects.toMatchObject({ code: "job_not_found" });
    expect(g.calls).toHaveLength(1);
  });

  it("never retry a POST without an Idempotency-Key; creates carry one and are retried with the same key", async () => {
    const cancel = fakeFetch([netErr(), json({ id: "j" })]);
    await expect(client(cancel.fn).jobs.cancel("j")).rejects.toMatchObject({ code: "network_error" });
    expect(cancel.calls).toHaveLength(1);
    expect(cancel.calls[0]!.headers["idempotency-key"]).toBeUndefined();

    const create = fakeFetch([netErr(), json({ name: "v" }, 201)]);
    expect(await client(create.fn).experiments.create({ name: "v" })).toEqual({ name: "v" });
    expect(create.calls).toHaveLength(2);
    const [a, b] = create.calls.map((c) => c.headers["idempotency-key"]);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toBe(a);
    expect(create.calls[0]!.headers["content-type"]).toBe("application/json");

    // two creates: two different keys
    const two = fakeFetch([json({}, 201), json({}, 201)]);
    const c = client(two.fn);
    await c.experiments.create({ name: "a" });
    await c.experiments.create({ name: "b" });
    expect(two.calls[0]!.headers["idempotency-key"]).not.toBe(two.calls[1]!.headers["idempotency-key"]);
  });
});

describe("parseSse", () => {
  it("parses events split across chunks at any point, CRLF lines, comments, multi-line data", async () => {
    const text = "retry: 2000\r\n: connected\r\n\r\nid: 5\r\nevent: status\r\ndata: {\"a\":1}\r\n\r\n: ping\n\nevent: log\ndata: one\ndata: two\n\ndata: tail\n\n";
    for (const chunk of [1, 2, 3, 5, 1000]) {
      const got = [];
      for await (const m of parseSse(new Response(sseBody(text, chunk)).body!)) got.push(m);
      expect(got, `chunk ${chunk}`).toEqual([
        { id: "5", event: "status", data: '{"a":1}' },
        // the last event id stays until another arrives
        { id: "5", event: "log", data: "one\ntwo" },
        { id: "5", event: "message", data: "tail" },
      ]);
    }
  });
});

describe("job events", () => {
  it("follow reconnects with Last-Event-ID after the stream ends or breaks, and ends at the final status", async () => {
    const { fn, calls } = fakeFetch([
      sse(`: connected\n\n${event(1, "status", { status: "running" })}${event(2, "progress", { percent: 50 })}`),
      netErr(),
      sse(`${event(3, "log", {})}${event(4, "status", { status: "succeeded" })}${event(5, "log", {})}`),
    ]);
    const seen = [];
    for await (const ev of client(fn).jobs.follow("j1")) seen.push(`${ev.id}:${ev.kind}`);
    expect(seen).toEqual(["1:status", "2:progress", "3:log", "4:status"]);
    expect(calls.map((c) => c.headers["last-event-id"])).toEqual(["0", "2", "2"]);
    expect(calls[0]).toMatchObject({ url: "http://s.test/api/jobs/j1/events", headers: { accept: "text/event-stream", authorization: "Bearer vs_tok" } });
  });

  it("an error answer ends following with its ApiError; an error event (access ended) too", async () => {
    const gone = fakeFetch([json({ error: { code: "job_not_found", message: "No job" } }, 404)]);
    await expect(client(gone.fn).jobs.wait("j1")).rejects.toMatchObject({ status: 404, code: "job_not_found" });
    const revoked = fakeFetch([sse(`${event(1, "status", { status: "running" })}event: error\ndata: {"error":{"code":"unauthenticated","message":"Access ended"}}\n\n`)]);
    await expect(client(revoked.fn).jobs.wait("j1")).rejects.toMatchObject({ code: "unauthenticated", message: "Access ended" });
  });

  it("gives up after maxReconnects failures in a row", async () => {
    const { fn, calls } = fakeFetch([netErr(), netErr(), netErr()]);
    await expect(client(fn, { maxReconnects: 2 }).jobs.wait("j1")).rejects.toMatchObject({ code: "network_error" });
    expect(calls).toHaveLength(3);
  });
});

describe("pipeline.follow", () => {
  it("follows each stage, finds the next stage queued after the previous one finished, and stops at a failure", async () => {
    const job = (id: string, kind: string, extra: Record<string, unknown> = {}) => ({ id, kind, experiment: "v", status: "queued", params: {}, createdAt: "2026-01-01T00:00:00.000Z", finishedAt: null, ...extra });
    const ev = (id: number, jobId: string, status: string) =>
      `id: ${id}\nevent: status\ndata: ${JSON.stringify({ id: String(id), jobId, kind: "status", level: null, message: status, data: { status }, at: "t" })}\n\n`;
    const { fn, calls } = fakeFetch([
      sse(ev(1, "p1", "running") + ev(2, "p1", "succeeded")),
      json(job("p1", "preprocess", { status: "succeeded", params: { then: [{ kind: "extract" }, { kind: "train" }] }, finishedAt: "2026-01-01T00:01:00.000Z" })),
      // not queued yet, then queued: an older extract job of the experiment is not taken for it
      json({ jobs: [job("old", "extract", { status: "succeeded", createdAt: "2025-12-31T00:00:00.000Z" })] }),
      json({ jobs: [job("old", "extract", { status: "succeeded", createdAt: "2025-12-31T00:00:00.000Z" }), job("e1", "extract", { createdAt: "2026-01-01T00:01:00.100Z" })] }),
      sse(ev(3, "e1", "running") + ev(4, "e1", "failed")),
      json(job("e1", "extract", { status: "failed", params: { then: [{ kind: "train" }] } })),
    ]);
    const seen: string[] = [];
    for await (const { job: j, event } of client(fn).pipeline.follow(job("p1", "preprocess") as never, { pollMs: 1 })) seen.push(`${j.kind}/${j.id} ${event.message}`);
    expect(seen).toEqual(["preprocess/p1 running", "preprocess/p1 succeeded", "extract/e1 running", "extract/e1 failed"]);
    expect(calls.map((c) => c.url.replace("http://s.test", ""))).toEqual([
      "/api/jobs/p1/events",
      "/api/jobs/p1",
      "/api/jobs?experiment=v&kind=extract",
      "/api/jobs?experiment=v&kind=extract",
      "/api/jobs/e1/events",
      "/api/jobs/e1",
    ]);
  });
});

describe("downloads", () => {
  it("take the server's file name, never a path", () => {
    expect(filenameFromDisposition('attachment; filename="voice.pth"', "f")).toBe("voice.pth");
    expect(filenameFromDisposition("attachment; filename*=UTF-8''st%C3%BCck.wav", "f")).toBe("stück.wav");
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"', "f")).toBe("passwd");
    expect(filenameFromDisposition('attachment; filename=".."', "f")).toBe("f");
    expect(filenameFromDisposition(null, "fallback.bin")).toBe("fallback.bin");
  });

  it("stream into the folder through a .part file", async () => {
    const res = new Response(sseBody("model bytes", 3), { headers: { "content-disposition": 'attachment; filename="m.pth"' } });
    const saved = await saveResponse(res, path.join(tmp, "dl"), "x");
    expect(saved).toBe(path.join(tmp, "dl", "m.pth"));
    expect(fs.readFileSync(saved, "utf8")).toBe("model bytes");
    expect(fs.readdirSync(path.join(tmp, "dl"))).toEqual(["m.pth"]);
  });
});

describe("FileUrlStorage", () => {
  it("remembers uploads per fingerprint in one file, forgets them, and survives a damaged file", async () => {
    const file = path.join(tmp, "cfg", "voice-studio", "uploads.json");
    const s = new FileUrlStorage(file);
    expect(await s.findAllUploads()).toEqual([]);
    const up = { size: 10, metadata: { filename: "a.wav" }, creationTime: "t", uploadUrl: "http://s/api/uploads/1", parallelUploadUrls: null, urlStorageKey: "" };
    const k1 = await s.addUpload("fp|a", up);
    await s.addUpload("fp|ab", { ...up, uploadUrl: "http://s/api/uploads/2" });
    // a fingerprint is matched whole, not as a prefix of another
    expect((await s.findUploadsByFingerprint("fp|a")).map((u) => u.uploadUrl)).toEqual(["http://s/api/uploads/1"]);
    expect(await new FileUrlStorage(file).findAllUploads()).toHaveLength(2);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await s.removeUpload(k1);
    expect((await s.findAllUploads()).map((u) => u.uploadUrl)).toEqual(["http://s/api/uploads/2"]);
    fs.writeFileSync(file, "{not json");
    expect(await s.findAllUploads()).toEqual([]);
    await s.addUpload("fp|c", up);
    expect(await s.findAllUploads()).toHaveLength(1);
  });
});

describe("covers", () => {
  it("POST /api/covers as multipart with the settings and the mix as text fields, with an Idempotency-Key; a stem by name", async () => {
    const seen: { url: string; method: string; headers: Headers; body: unknown }[] = [];
    const f = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      seen.push({ url: String(input), method: init.method ?? "GET", headers: new Headers(init.headers), body: init.body });
      return seen.length === 1 ? json({ conversion: { id: "c1", mode: "cover" }, job: { id: "j1", kind: "cover", status: "queued" } }, 202) : new Response("RIFF", { headers: { "content-type": "audio/wav" } });
    }) as typeof fetch;
    const c = client(f);
    const accepted = await c.covers.create({ modelId: "m1", audio: new Blob(["x"]), filename: "song.wav", params: { pitch: 3 }, mix: { vocalsGain: -2, accompanimentPitch: 3 } });
    expect(accepted.job.kind).toBe("cover");
    expect(seen[0]).toMatchObject({ url: "http://s.test/api/covers", method: "POST" });
    expect(seen[0]!.headers.get("idempotency-key")).toBeTruthy();
    const form = seen[0]!.body as FormData;
    expect([form.get("modelId"), form.get("pitch"), form.get("vocalsGain"), form.get("accompanimentPitch"), form.has("accompanimentGain")]).toEqual(["m1", "3", "-2", "3", false]);
    expect((form.get("audio") as File).name).toBe("song.wav");
    const res = await c.conversions.stem("c1", "accompaniment");
    expect(await res.text()).toBe("RIFF");
    expect(seen[1]!.url).toBe("http://s.test/api/conversions/c1/stems/accompaniment?download=1");
  });
});
