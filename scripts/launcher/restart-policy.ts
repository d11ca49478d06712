/**
 * When to restart a crashed child (web, worker, embedded Postgres) and when to give up. Pure: the
 * supervisor feeds it the crash times and acts on the answer.
 *
 * Back-off starts at `initialDelayMs` and doubles up to `maxDelayMs`; a child that stayed up for
 * `stableMs` before it crashed starts again from `initialDelayMs` with a clean record. `maxCrashes` crashes within
 * `windowMs` are a crash loop: restarting will not help, so the launcher gives up.
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  stableMs: number;
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  stableMs: 60_000,
  maxCrashes: 5,
  windowMs: 3 * 60_000,
};

export interface RestartState {
  /** times (ms) of the crashes still inside the window */
  crashes: number[];
  /** the delay the next restart waits, unless the child proves stable first */
  nextDelayMs: number;
}

export type RestartDecision = { action: "restart"; delayMs: number } | { action: "give-up"; reason: string };

export function initialRestartState(policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartState {
  return { crashes: [], nextDelayMs: policy.initialDelayMs };
}

/** A child that started at `startedAt` crashed at `now`: restart it after a delay, or give up. */
export function onCrash(
  state: RestartState,
  startedAt: number,
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): { state: RestartState; decision: RestartDecision } {
  // A child that stayed up for stableMs had recovered: its earlier crashes no longer count.
  const stable = now - startedAt >= policy.stableMs;
  const earlier = stable ? [] : state.crashes.filter((t) => now - t < policy.windowMs);
  const crashes = [...earlier, now];
  if (crashes.length >= policy.maxCrashes) {
    const span = Math.max(1, Math.round((now - crashes[0]!) / 1000));
    return {
      state: { crashes, nextDelayMs: state.nextDelayMs },
      decision: { action: "give-up", reason: `${crashes.length} crashes within ${span} s (a crash loop)` },
    };
  }
  const delayMs = stable ? policy.initialDelayMs : state.nextDelayMs;
  return {
    state: { crashes, nextDelayMs: Math.min(delayMs * 2, policy.maxDelayMs) },
    decision: { action: "restart", delayMs },
  };
}

/** "exit code 1" / "killed by SIGKILL": how a child ended, for log lines. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by ${signal}`;
  return `exit code ${code ?? "?"}`;
}
