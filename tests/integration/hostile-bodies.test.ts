/**
 * Hostile load against a real `next start`: a 2 GB multipart body (made as a stream, never held here) to each of the
 * three multipart routes, once with Content-Length and once chunked, is refused with 413 while the web server's RSS
 * grows by less than 100 MB and nothing is left on disk; parallel model imports never run more than
 * MAX_PYTHON_HELPERS Python processes; self-tests queue at most 3 at a time; JSON bodies are capped.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cancelRoute from "../../app/api/jobs/[id]/cancel/route";
import * as selftestRoute from "../../app/api/system/selftest/route";
import { db } from "../../lib/db";
import { cancelJob } from "../../lib/jobs";
import { deleteModel } from "../../lib/models";
import { MAX_ACTIVE_SELFTESTS } from "../../lib/selftest-queue";
import { PY, trainerAvailable, makeTinySmallModel } from "../helpers/pipeline";
import { startWeb, type Web } from "../helpers/web";
import { tempDir } from "../helpers/audio-fixtures";
import { authed, authFetch, testToken } from "../helpers/auth";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const PYTHON_HELPERS = 2;
let web: Web;
let serverPid: number;
let scratch: string;

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

const stagingLeft = () => {
  const root = process.env.DATA_ROOT!;
  return ["request-bodies", "imports", "conversions", "pretrained"].flatMap((d) => (fs.existsSync(path.join(root, d)) ? fs.readdirSync(path.join(root, d)).map((n) => `${d}/${n}`) : []));
};

/**
 * POST a multipart body of about `bytes` whose one file part is zeros, written from one reused 1 MiB buffer with
 * back-pressure; stops writing as soon as the response arrives. Samples the server's RSS while it runs.
 */
async function hostilePost(route: string, file: { field: string; name: string }, fields: Record<string, string>, bytes: number, chunked: boolean) {
  const boundary = "----hostile";
  const head = Buffer.from(
    Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") +
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const zeros = Buffer.alloc(MiB);
  const fileBytes = bytes - head.length - tail.length;
  const headers: Record<string, string> = { "content-type": `multipart/form-data; boundary=${boundary}` };
  if (!chunked) headers["content-length"] = String(bytes);
  const before = rssBytes(serverPid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(serverPid))), 50);
  const req = http.request(`${web.url}${route}`, { method: "POST", headers: { ...headers, authorization: `Bearer ${testToken()}` } });
  let sent = 0;
  try {
    const response = new Promise<{ status: number; body: any; retryAfter?: string; reset?: boolean }>((resolve, reject) => {
      req.on("response", (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        res.on("error", reject);
      });
      // The server answers 413 and closes while we are still writing: its kernel may reset the connection (unread
      // data) before our side has read the answer — a refusal too, only without its body.
      req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? resolve({ status: 0, body: null, reset: true }) : reject(err)));
    });
    let answered = false;
    void response.then(() => (answered = true), () => (answered = true));
    const write = async (buf: Buffer) => {
      sent += buf.length;
      if (!req.write(buf)) await Promise.race([new Promise((r) => req.once("drain", r)), response.catch(() => {})]);
    };
    await write(head);
    for (let left = fileBytes; left > 0 && !answered; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
    if (!answered) req.end(tail);
    const res = await response;
    await new Promise((r) => setTimeout(r, 300)); // one more RSS sample after the refusal
    return { ...res, sent, growth: peak - before };
  } finally {
    clearInterval(sampler);
    req.destroy();
  }
}

const ROUTES: { route: string; file: { field: string; name: string }; fields: Record<string, string>; code: string; limit: number }[] = [
  { route: "/api/models/import", file: { field: "pth", name: "huge.pth" }, fields: { name: "huge" }, code: "upload_too_large", limit: 300 * MiB },
  { route: "/api/pretrained", file: { field: "g", name: "G.pth" }, fields: {}, code: "upload_too_large", limit: 300 * MiB },
  // conversions check the model only after the upload; the audio limit (MAX_CONVERSION_BYTES 256M) refuses it first
  { route: "/api/conversions", file: { field: "audio", name: "huge.wav" }, fields: { modelId: "00000000-0000-4000-8000-000000000000" }, code: "too_large", limit: 256 * MiB },
];

beforeAll(async () => {
  scratch = tempDir("vs-hostile-");
  web = await startWeb({ MAX_UPLOAD_BYTES: "300M", MAX_PYTHON_HELPERS: String(PYTHON_HELPERS) });
  // the process that listens on the port (next start's server), whose RSS is measured
  serverPid = Number(/pid=(\d+)/.exec(execFileSync("ss", ["-ltnpH", `sport = :${web.port}`]).toString())?.[1]);
  if (!(serverPid > 0)) throw new Error(`no process found listening on port ${web.port}`);
}, 120_000);

afterAll(async () => {
  await web?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
  await db().$disconnect();
});

describe("hostile request bodies", () => {
  for (const r of ROUTES) {
    for (const chunked of [false, true]) {
      it(`POST ${r.route}: 2 GB ${chunked ? "chunked" : "with Content-Length"} → 413, RSS +<100 MB, nothing kept`, async () => {
        const before = stagingLeft(); // other test files' conversions may be there already
        const res = await hostilePost(r.route, r.file, r.fields, 2 * GiB, chunked);
        if (!res.reset) {
          expect(res.status, JSON.stringify(res.body)).toBe(413);
          expect(res.body.error.code).toBe(r.code);
        }
        // with Content-Length nothing of the file is needed to decide; chunked stops at the file's limit
        expect(res.sent).toBeLessThan(chunked ? r.limit + 64 * MiB : 64 * MiB);
        expect(res.growth).toBeLessThan(100 * MiB);
        expect(stagingLeft()).toEqual(before);
        console.log(`${r.route} ${chunked ? "chunked" : "Content-Length"}: sent ${(res.sent / MiB).toFixed(0)} MB, web RSS +${(res.growth / MiB).toFixed(1)} MB`);
      }, 120_000);
    }
  }

  it("refuses a JSON body over 1 MiB with 413", async () => {
    const big = JSON.stringify({ seconds: 1, pad: "x".repeat(2 * MiB) });
    const viaLength = await authFetch(`${web.url}/api/system/selftest`, { method: "POST", body: big, headers: { "content-type": "application/json" } });
    expect(viaLength.status).toBe(413);
    expect(((await viaLength.json()) as any).error.code).toBe("body_too_large");
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = await authFetch(`${web.url}/api/system/selftest`, { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});

describe("self-test queue limit", () => {
  it(`queues at most ${MAX_ACTIVE_SELFTESTS} self-tests; more get 429 until one ends`, async () => {
    type H = (req: Request, ctx: unknown) => Promise<Response>;
    const post = () => (selftestRoute.POST as H)(authed("http://t/api/system/selftest", { method: "POST", body: JSON.stringify({ seconds: 1, steps: 2 }), headers: { "content-type": "application/json" } }), {});
    const active = await db().job.count({ where: { kind: "selftest", status: { in: ["queued", "running"] } } });
    const results = await Promise.all(Array.from({ length: MAX_ACTIVE_SELFTESTS + 3 }, post));
    const accepted = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status === 429);
    expect(accepted.length).toBe(Math.max(0, MAX_ACTIVE_SELFTESTS - active));
    expect(refused.length).toBe(results.length - accepted.length);
    const body = (await refused[0]!.json()) as any;
    expect(body.error.code).toBe("too_many_selftests");
    expect(refused[0]!.headers.get("retry-after")).toMatch(/^\d+$/);
    const ids = await Promise.all(accepted.map(async (r) => ((await r.json()) as any).job.id as string));
    const cancel = async (id: string) => {
      const res = await (cancelRoute.POST as H)(authed(`http://t/api/jobs/${id}/cancel`, { method: "POST" }), { params: Promise.resolve({ id }) });
      expect(res.status).toBeLessThan(300);
    };
    for (const id of ids) await cancel(id);
    if (ids.length) {
      const again = await post();
      expect(again.status).toBe(202);
      await cancel(((await again.json()) as any).job.id); // leave no queued self-test for later files
    }
  });
});

const ready = trainerAvailable();
describe.skipIf(!ready)(`python helper limit${ready ? "" : " (skipped: /usr/bin/python3 lacks torch)"}`, () => {
  it(`parallel model imports run at most MAX_PYTHON_HELPERS=${PYTHON_HELPERS} Python processes at once`, async () => {
    const pth = path.join(scratch, "tiny.pth");
    makeTinySmallModel(pth, { sr: 40000, epoch: 3 });
    const bytes = fs.readFileSync(pth);
    const helpers = () =>
      fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
        try {
          const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8");
          return cmd.includes("trainer\0inspect") && cmd.includes(process.env.DATA_ROOT!);
        } catch {
          return false;
        }
      }).length;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, helpers())), 50);
    try {
      const n = 6;
      const results = await Promise.all(Array.from({ length: n }, async (_, i) => {
        const fd = new FormData();
        fd.append("pth", new File([bytes], `parallel-${i}.pth`));
        const res = await authFetch(`${web.url}/api/models/import`, { method: "POST", body: fd });
        return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as any };
      }));
      for (const r of results) {
        // a slow machine may run out of the 30 s wait: then the answer is 503 busy with Retry-After
        if (r.status === 503) expect([r.body.error.code, r.retryAfter]).toEqual(["busy", "10"]);
        else expect(r.status, JSON.stringify(r.body)).toBe(201);
      }
      expect(results.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(PYTHON_HELPERS);
      // leave no models or queued export jobs to the test files after this one
      for (const r of results.filter((x) => x.status === 201)) {
        await cancelJob(r.body.job.id);
        await deleteModel(r.body.model.id);
      }
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeLessThanOrEqual(PYTHON_HELPERS);
    expect(peak).toBeGreaterThan(0);
    console.log(`parallel imports: at most ${peak} python helpers at once`);
  }, 240_000);
});
