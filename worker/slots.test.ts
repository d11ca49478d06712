import { describe, expect, it } from "vitest";
import { DeviceSlots, parseWorkerGpus } from "./slots";

describe("DeviceSlots", () => {
  it("hands out free ids, never one twice, and takes them back", () => {
    const s = new DeviceSlots([1, 0]);
    expect(s.tryAcquire()).toEqual([0]);
    expect(s.tryAcquire()).toEqual([1]);
    expect(s.tryAcquire()).toBeNull();
    s.release([0]);
    expect(s.tryAcquire()).toEqual([0]);
    expect(() => s.release([5])).toThrow(/not one of this worker's/);
    s.release([1]);
    expect(() => s.release([1])).toThrow(/released twice/);
  });

  it("waiters are served in order: a two-slot training is not overtaken by later one-slot jobs", async () => {
    const s = new DeviceSlots([0, 1]);
    const ctl = new AbortController();
    const first = s.tryAcquire()!;
    const order: string[] = [];
    const two = s.acquire(2, ctl.signal).then((ids) => order.push(`two:${ids.join(",")}`));
    const one = s.acquire(1, ctl.signal).then((ids) => order.push(`one:${ids.join(",")}`));
    expect(s.tryAcquire()).toBeNull(); // slot 1 is free, but a waiter comes first
    s.release(first);
    await two;
    expect(order).toEqual(["two:0,1"]);
    s.release([0, 1]);
    await one;
    expect(order).toEqual(["two:0,1", "one:0"]);
  });

  it("an aborted wait leaves the line and the slots", async () => {
    const s = new DeviceSlots([0]);
    const held = s.tryAcquire()!;
    const ctl = new AbortController();
    const waiting = s.acquire(1, ctl.signal);
    ctl.abort(new Error("stopping"));
    await expect(waiting).rejects.toThrow("stopping");
    s.release(held);
    expect(s.tryAcquire()).toEqual([0]);
    expect(() => s.tryAcquire(2)).toThrow(/2 GPU slots asked for; this worker has 1/);
  });
});

describe("parseWorkerGpus", () => {
  it("unset: the GPUs found; none; an explicit list; garbage refused", () => {
    expect(parseWorkerGpus(undefined, [0, 1])).toEqual([0, 1]);
    expect(parseWorkerGpus("none", [0, 1])).toEqual([]);
    expect(parseWorkerGpus("2, 0", [])).toEqual([2, 0]);
    expect(() => parseWorkerGpus("gpu0", [])).toThrow(/WORKER_GPUS: "gpu0" is not a list/);
  });
});
