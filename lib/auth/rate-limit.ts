/**
 * Login attempts, limited per account and per address: 5 failures in a row lock the key for 30 s, each further
 * lockout doubles (to at most an hour); a success clears the account's count. In memory, per web process: a restart
 * forgets it, and several web processes would each count on their own (docs/architecture.md).
 */
export const FAILURES_BEFORE_LOCK = 5;
export const FIRST_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 3600_000;
/** at most this many keys are remembered; the oldest unlocked ones go first (hostile traffic cannot grow memory) */
const MAX_KEYS = 10_000;

interface Entry {
  failures: number;
  lockouts: number;
  lockedUntil: number;
  touched: number;
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds until any of these keys may try again; 0 when none is locked. */
  retryAfter(keys: string[]): number {
    const t = this.now();
    let ms = 0;
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e && e.lockedUntil > t) ms = Math.max(ms, e.lockedUntil - t);
    }
    return Math.ceil(ms / 1000);
  }

  fail(keys: string[]): void {
    const t = this.now();
    for (const k of keys) {
      const e = this.entries.get(k) ?? { failures: 0, lockouts: 0, lockedUntil: 0, touched: t };
      this.entries.delete(k);
      e.failures++;
      e.touched = t;
      if (e.failures >= FAILURES_BEFORE_LOCK) {
        e.lockedUntil = t + Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** e.lockouts);
        e.lockouts++;
        e.failures = 0;
      }
      this.entries.set(k, e);
    }
    this.trim(t);
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }

  private trim(t: number): void {
    if (this.entries.size <= MAX_KEYS) return;
    // Map iteration is insertion order and fail() re-inserts, so the first entries are the least recently failed
    for (const [k, e] of this.entries) {
      if (this.entries.size <= MAX_KEYS) break;
      if (e.lockedUntil <= t) this.entries.delete(k);
    }
  }
}

const g = globalThis as unknown as { __voiceStudioLoginLimiter?: LoginLimiter };
export function loginLimiter(): LoginLimiter {
  g.__voiceStudioLoginLimiter ??= new LoginLimiter();
  return g.__voiceStudioLoginLimiter;
}
