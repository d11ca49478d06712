import { afterEach, describe, expect, it, vi } from "vitest";
import { Semaphore, SemaphoreTimeout } from "./semaphore";

afterEach(() => vi.useRealTimers());

describe("Semaphore", () => {
  it("never lets more than max holders run, and serves waiters in arrival order", async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      sem.use(60_000, async () => {
        order.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
      }),
    );
    // release holders one at a time, in whatever order they started
    for (let released = 0; released < 7; released++) {
      await vi.waitFor(() => expect(gates.length).toBeGreaterThan(released));
      expect(sem.running).toBeLessThanOrEqual(2);
      gates[released]!();
    }
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([sem.running, sem.waiting]).toEqual([0, 0]);
  });

  it("gives up after the wait, leaving the queue clean; a release counts once", async () => {
    vi.useFakeTimers();
    const sem = new Semaphore(1);
    const release = await sem.acquire(1000);
    const waiter = sem.acquire(5000);
    const late = expect(waiter).rejects.toBeInstanceOf(SemaphoreTimeout);
    expect(sem.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(5001);
    await late;
    expect(sem.waiting).toBe(0);
    release();
    release();
    expect(sem.running).toBe(0);
    const again = await sem.acquire(0);
    expect(sem.running).toBe(1);
    again();
  });

  it("refuses a semaphore without slots", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
