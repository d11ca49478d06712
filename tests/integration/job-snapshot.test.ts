/**
 * The experiment page's first load (issue 15): a bounded snapshot of the shown jobs' past events plus the id the live
 * stream starts after; the stream then delivers only newer events, none of the snapshot again.
 */
import { afterAll, describe, expect, it } from "vitest";
import * as experimentEvents from "../../app/api/experiments/[name]/events/route";
import { db } from "../../lib/db";
import { createExperiment } from "../../lib/experiments";
import { appendJobEvents } from "../../lib/job-events";
import { jobSnapshot, SNAPSHOT_CHECKPOINTS, SNAPSHOT_LOG_LINES } from "../../lib/job-snapshot";
import { authed } from "../helpers/auth";
import { SseReader } from "../helpers/sse";

const NAME = `snapshot-${process.pid}`;
afterAll(async () => {
  await db().experiment.deleteMany({ where: { name: NAME } });
  await db().$disconnect();
});

describe("jobSnapshot", () => {
  it("holds each job's last progress, last log lines and checkpoints, all up to the id the stream starts after", async () => {
    const exp = await createExperiment({ name: NAME, sampleRate: 40000, f0Method: "rmvpe", version: "v2" });
    const job = await db().job.create({ data: { kind: "train", experimentId: exp.id, status: "running" } });
    const other = await db().job.create({ data: { kind: "preprocess", experimentId: exp.id, status: "succeeded" } });
    const events = [];
    for (let i = 1; i <= 2000; i++) {
      events.push({ kind: "progress" as const, data: { done: i, total: 2000, percent: i / 20 } });
      if (i % 10 === 0) events.push({ kind: "log" as const, level: "info", message: `line ${i / 10}` });
      if (i % 20 === 0) events.push({ kind: "metric" as const, data: { kind: "epoch", epoch: i / 20 } });
      if (i % 10 === 0) events.push({ kind: "metric" as const, data: { kind: "checkpoint", epoch: i / 10 } });
    }
    await appendJobEvents(job.id, events);
    await appendJobEvents(other.id, [{ kind: "log", message: "other job" }]);

    const snap = await jobSnapshot([job.id, job.id]);
    const last = BigInt(snap.lastEventId);
    const mine = snap.events.filter((e) => e.jobId === job.id);
    expect(snap.events.every((e) => BigInt(e.id) <= last)).toBe(true);
    expect(snap.events.some((e) => e.jobId === other.id)).toBe(false); // only the jobs asked for
    const progress = mine.filter((e) => e.kind === "progress");
    expect(progress).toHaveLength(1);
    expect(progress[0]!.data).toMatchObject({ done: 2000 });
    expect(mine.filter((e) => e.kind === "log").map((e) => e.message)).toEqual(Array.from({ length: SNAPSHOT_LOG_LINES }, (_, i) => `line ${200 - SNAPSHOT_LOG_LINES + 1 + i}`));
    const cps = mine.filter((e) => e.kind === "metric");
    expect(cps).toHaveLength(SNAPSHOT_CHECKPOINTS);
    expect(cps.every((e) => e.data?.kind === "checkpoint")).toBe(true);
    expect(cps.at(-1)!.data).toMatchObject({ epoch: 200 });
    const ids = snap.events.map((e) => BigInt(e.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);

    // the stream opened after the snapshot's id sends the next event and nothing of the 2,000+ before it
    const ctrl = new AbortController();
    const res = await experimentEvents.GET(
      authed(`http://test.local/api/experiments/${NAME}/events?lastEventId=${snap.lastEventId}`, { signal: ctrl.signal }),
      { params: Promise.resolve({ name: NAME }) },
    );
    expect(res.status).toBe(200);
    const reader = new SseReader(res.body!);
    await appendJobEvents(job.id, [{ kind: "log", message: "after the snapshot" }]);
    await reader.waitFor((ev) => ev.some((e) => e.event === "log"), 10_000, "the new event");
    const got = reader.events.filter((e) => e.id);
    expect(got.map((e) => e.data.message)).toEqual(["after the snapshot"]);
    ctrl.abort();
  });
});
