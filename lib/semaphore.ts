/** A counting semaphore with a bounded wait: at most `max` holders; a waiter gets a slot in arrival order or gives up. */
export class SemaphoreTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`no slot became free within ${waitedMs} ms`);
    this.name = "SemaphoreTimeout";
  }
}

export class Semaphore {
  private active = 0;
  private readonly queue: { grant: () => void }[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a semaphore needs at least one slot (got ${max})`);
  }

  /** holders right now */
  get running(): number {
    return this.active;
  }

  /** callers waiting for a slot */
  get waiting(): number {
    return this.queue.length;
  }

  /** A slot, as its release function (calling it twice releases once); rejects with SemaphoreTimeout after waitMs. */
  acquire(waitMs: number): Promise<() => void> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.releaser());
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(entry), 1);
        reject(new SemaphoreTimeout(waitMs));
      }, waitMs);
      this.queue.push(entry);
    });
  }

  /** Run fn holding a slot. */
  async use<T>(waitMs: number, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(waitMs);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      // the slot passes straight to the next waiter, so a newcomer cannot overtake it
      if (next) next.grant();
      else this.active--;
    };
  }
}
