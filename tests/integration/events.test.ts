import { afterAll, describe, expect, it } from "vitest";
import * as experimentEvents from "../../app/api/experiments/[name]/events/route";
import * as jobEvents from "../../app/api/jobs/[id]/events/route";
import * as jobLogs from "../../app/api/jobs/[id]/logs/route";
import { db } from "../../lib/db";
import { eventBus } from "../../lib/event-bus";
import { createExperiment } from "../../lib/experiments";
import { JobReporter } from "../../lib/report";
import { SseReader } from "../helpers/sse";
import { authed } from "../helpers/auth";

afterAll(async () => {
  await db().$disconnect();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

function open(handler: Handler, params: Record<string, string>, lastEventId?: string) {
  const abort = new AbortController();
  const headers: Record<string, string> = lastEventId ? { "last-event-id": lastEventId } : {};
  const res = handler(authed("http://test.local/events", { headers, signal: abort.signal }), { params: Promise.resolve(params) });
  return {
    abort,
    reader: res.then((r) => {
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/text\/event-stream/);
      return new SseReader(r.body!);
    }),
  };
}

async function newJob(experimentName?: string) {
  const exp = experimentName
    ? await createExperiment({ name: experimentName, sampleRate: 40000, f0Method: "rmvpe", version: "v2" })
    : null;
  return db().job.create({ data: { kind: "selftest", experimentId: exp?.id ?? null, status: "running" } });
}

const logLines = (events: { event?: string; data: any }[]) => events.filter((e) => e.event === "log").map((e) => e.data.message as string);

describe("job event streams (SSE)", () => {
  it("deliver 1,000 events of a live job in order with none missing, then resume after 300 with Last-Event-ID exactly once", async () => {
    const job = await newJob();
    const first = open(jobEvents.GET as Handler, { id: job.id });
    const reader = await first.reader;

    const report = new JobReporter(job.id, db(), { intervalMs: 20 });
    for (let i = 1; i <= 1000; i++) {
      report.log("info", `line ${i}`);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5)); // a live producer, not one batch
    }
    await report.close();
    await reader.waitFor((ev) => logLines(ev).length >= 1000, 15_000, "1000 log events");
    const lines = logLines(reader.events);
    expect(lines).toEqual(Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`));
    const ids = reader.events.map((e) => BigInt(e.id!));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    first.abort.abort();

    const after300 = reader.events.filter((e) => e.event === "log")[299]!.id!;
    const second = open(jobEvents.GET as Handler, { id: job.id }, after300);
    const resumed = await second.reader;
    await resumed.waitFor((ev) => logLines(ev).length >= 700, 10_000, "events 301…1000");
    await new Promise((r) => setTimeout(r, 300)); // nothing extra may follow
    expect(logLines(resumed.events)).toEqual(Array.from({ length: 700 }, (_, i) => `line ${i + 301}`));
    second.abort.abort();
  }, 60_000);

  it("release a closed client at once", async () => {
    const job = await newJob();
    const before = eventBus().size;
    const s = open(jobEvents.GET as Handler, { id: job.id });
    const reader = await s.reader;
    await new Promise((r) => setTimeout(r, 50));
    expect(eventBus().size).toBe(before + 1);
    s.abort.abort();
    await new Promise((r) => setTimeout(r, 50));
    expect(eventBus().size).toBe(before);
    void reader;
  });

  it("give an experiment's subscriber the events of two concurrent jobs", async () => {
    const a = await newJob("events-two-jobs");
    const b = await db().job.create({ data: { kind: "preprocess", experimentId: a.experimentId, status: "running" } });
    const other = await newJob("events-other");
    const s = open(experimentEvents.GET as Handler, { name: "events-two-jobs" });
    const reader = await s.reader;
    const ra = new JobReporter(a.id, db(), { intervalMs: 10 });
    const rb = new JobReporter(b.id, db(), { intervalMs: 10 });
    const ro = new JobReporter(other.id, db(), { intervalMs: 10 });
    await Promise.all([
      (async () => {
        for (let i = 1; i <= 100; i++) ra.log("info", `a ${i}`), await new Promise((r) => setTimeout(r, 1));
        await ra.close();
      })(),
      (async () => {
        for (let i = 1; i <= 100; i++) rb.log("info", `b ${i}`), await new Promise((r) => setTimeout(r, 1));
        await rb.close();
      })(),
      (async () => {
        ro.log("info", "not for this experiment");
        await ro.close();
      })(),
    ]);
    await reader.waitFor((ev) => logLines(ev).length >= 200, 10_000, "200 events of two jobs");
    const lines = logLines(reader.events);
    expect(lines.filter((l) => l.startsWith("a "))).toEqual(Array.from({ length: 100 }, (_, i) => `a ${i + 1}`));
    expect(lines.filter((l) => l.startsWith("b "))).toEqual(Array.from({ length: 100 }, (_, i) => `b ${i + 1}`));
    expect(lines).not.toContain("not for this experiment");
    expect(new Set(reader.events.map((e) => e.id)).size).toBe(reader.events.length);
    s.abort.abort();
  }, 30_000);

  it("recover when Postgres kills the LISTEN connection mid-stream", async () => {
    const job = await newJob();
    const s = open(jobEvents.GET as Handler, { id: job.id });
    const reader = await s.reader;
    const report = new JobReporter(job.id, db(), { intervalMs: 10 });
    for (let i = 1; i <= 50; i++) report.log("info", `before ${i}`);
    await report.flush();
    await reader.waitFor((ev) => logLines(ev).length >= 50, 5_000, "the first 50");

    const pid = eventBus().listenerPid();
    expect(pid).toBeTypeOf("number");
    await db().$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
    for (let i = 1; i <= 50; i++) report.log("info", `after ${i}`);
    await report.close();
    // well inside the 10 s safety poll: the reconnect itself catches up
    await reader.waitFor((ev) => logLines(ev).length >= 100, 4_000, "the 50 after the kill");
    expect(logLines(reader.events).slice(50)).toEqual(Array.from({ length: 50 }, (_, i) => `after ${i + 1}`));
    expect(eventBus().listenerPid()).not.toBe(pid);
    s.abort.abort();
  }, 30_000);

  it("answer unknown jobs and experiments with 404 and a bad Last-Event-ID with 400", async () => {
    const missing = await (jobEvents.GET as Handler)(authed("http://t/e"), { params: Promise.resolve({ id: "00000000-0000-0000-0000-000000000000" }) });
    expect(missing.status).toBe(404);
    const noExp = await (experimentEvents.GET as Handler)(authed("http://t/e"), { params: Promise.resolve({ name: "nope" }) });
    expect(noExp.status).toBe(404);
    const job = await newJob();
    const bad = await (jobEvents.GET as Handler)(authed("http://t/e", { headers: { "last-event-id": "abc" } }), {
      params: Promise.resolve({ id: job.id }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_last_event_id");
  });

  it("serve the whole log as text", async () => {
    const job = await newJob();
    const report = new JobReporter(job.id, db());
    report.log("info", "hello");
    report.log("error", "boom");
    await report.close();
    const res = await (jobLogs.GET as Handler)(authed("http://t/logs"), { params: Promise.resolve({ id: job.id }) });
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/INFO\s+hello\n.*ERROR\s+boom\n$/);
  });
});

describe("reporter", () => {
  it("collapses a tight progress loop into a few writes and keeps the Job row current", async () => {
    const job = await newJob();
    const report = new JobReporter(job.id, db(), { intervalMs: 100 });
    for (let i = 1; i <= 100_000; i++) report.progress(i, 100_000, "loop");
    await report.close();
    const progressEvents = await db().jobEvent.count({ where: { jobId: job.id, kind: "progress" } });
    expect(progressEvents).toBeGreaterThanOrEqual(1);
    expect(progressEvents).toBeLessThan(10);
    const row = await db().job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.progress).toBe(1);
    expect(row.stage).toBe("loop");
  });
});
