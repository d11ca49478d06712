/**
 * GPU slots of one worker (issue 20, "one job per GPU slot"): one slot per device id it may use (WORKER_GPUS, else
 * every GPU it finds). A job of a GPU kind holds its slots while it runs, so a host with N GPUs runs up to N GPU jobs
 * at once and never two on one device; a multi-GPU training holds as many as it asks for. Waiters are served in
 * arrival order (a training waiting for two slots is not overtaken forever by one-slot jobs). Pure (no I/O).
 */
export class DeviceSlots {
  private readonly free: number[];
  private readonly waiters: { n: number; resolve: (ids: number[]) => void; reject: (err: unknown) => void }[] = [];

  constructor(readonly ids: readonly number[]) {
    this.free = [...new Set(ids)].sort((a, b) => a - b);
  }

  get size(): number {
    return this.ids.length;
  }

  get available(): number {
    return this.free.length;
  }

  /** `n` free slots now (the lowest ids), or null; never ahead of a waiter. */
  tryAcquire(n = 1): number[] | null {
    if (n > this.size) throw new RangeError(`${n} GPU slots asked for; this worker has ${this.size}`);
    if (this.waiters.length > 0 || this.free.length < n) return null;
    return this.free.splice(0, n);
  }

  /** `n` slots, waiting in line until they are free; rejects when `signal` aborts. */
  acquire(n: number, signal: AbortSignal): Promise<number[]> {
    const now = this.tryAcquire(n);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const waiter = {
        n,
        resolve: (ids: number[]) => {
          signal.removeEventListener("abort", onAbort);
          resolve(ids);
        },
        reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason);
        this.serve();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(ids: readonly number[]): void {
    for (const id of ids) {
      if (!this.ids.includes(id)) throw new RangeError(`GPU slot ${id} is not one of this worker's (${this.ids.join(", ")})`);
      if (this.free.includes(id)) throw new Error(`GPU slot ${id} released twice`);
      this.free.push(id);
    }
    this.free.sort((a, b) => a - b);
    this.serve();
  }

  private serve(): void {
    while (this.waiters.length > 0 && this.free.length >= this.waiters[0]!.n) {
      const w = this.waiters.shift()!;
      w.resolve(this.free.splice(0, w.n));
    }
  }
}

/** WORKER_GPUS: unset → the GPUs found (`detected` device indices); "none" → no slots; "0,2" → those. */
export function parseWorkerGpus(value: string | undefined, detected: number[]): number[] {
  if (value === undefined || value.trim() === "") return detected;
  if (value.trim().toLowerCase() === "none") return [];
  const ids = value.split(",").map((s) => s.trim());
  if (ids.some((s) => !/^\d{1,3}$/.test(s))) throw new Error(`WORKER_GPUS: "${value}" is not a list of device numbers like 0,1 (or "none")`);
  return [...new Set(ids.map(Number))];
}
