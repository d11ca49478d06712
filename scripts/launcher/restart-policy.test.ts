import { describe, expect, it } from "vitest";
import { DEFAULT_RESTART_POLICY, describeExit, initialRestartState, onCrash, type RestartPolicy } from "./restart-policy";

const policy: RestartPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, stableMs: 60_000, maxCrashes: 5, windowMs: 180_000 };

/** Crash a child that lived `uptimes[i]` ms each time, with its restart delay in between. */
function run(uptimes: number[]) {
  let state = initialRestartState(policy);
  let now = 1_000_000;
  const decisions = [];
  for (const up of uptimes) {
    const startedAt = now;
    now += up;
    const r = onCrash(state, startedAt, now, policy);
    state = r.state;
    decisions.push(r.decision);
    if (r.decision.action === "restart") now += r.decision.delayMs;
  }
  return decisions;
}

describe("restart policy", () => {
  it("backs off 1 s, 2 s, 4 s … for a child that keeps crashing soon after start, then gives up on the crash loop", () => {
    const d = run([100, 100, 100, 100, 100]);
    expect(d.slice(0, 4)).toEqual([1000, 2000, 4000, 8000].map((delayMs) => ({ action: "restart", delayMs })));
    expect(d[4]).toEqual({ action: "give-up", reason: "5 crashes within 15 s (a crash loop)" });
  });

  it("caps the delay at maxDelayMs", () => {
    const wide = { ...policy, maxCrashes: 100, windowMs: 10 * 3600_000 };
    let state = initialRestartState(wide);
    let now = 0;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = onCrash(state, now, now + 10, wide);
      state = r.state;
      now += 10;
      if (r.decision.action !== "restart") throw new Error("gave up");
      delays.push(r.decision.delayMs);
      now += r.decision.delayMs;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("starts the back-off and the crash count again after a child stayed up for stableMs", () => {
    const d = run([100, 100, 100, 60_000, 100, 100, 100, 100]);
    expect(d.map((x) => (x.action === "restart" ? x.delayMs : x.action))).toEqual([1000, 2000, 4000, 1000, 2000, 4000, 8000, "give-up"]);
  });

  it("forgets crashes older than the window: rare crashes never add up to a loop", () => {
    // a crash every 61 s, forever: never 5 within 3 minutes
    const d = run(Array.from({ length: 50 }, () => 61_000));
    expect(d.every((x) => x.action === "restart" && x.delayMs === 1000)).toBe(true);
  });

  it("counts crashes of quick starts within the window even when delays grow", () => {
    // uptimes of 40 s: 4 crashes inside 3 minutes are tolerated, the 5th within the window is a loop
    const d = run([40_000, 40_000, 40_000, 40_000, 100]);
    expect(d.slice(0, 4).every((x) => x.action === "restart")).toBe(true);
    expect(d[4]!.action).toBe("give-up");
  });

  it("has the documented defaults", () => {
    expect(DEFAULT_RESTART_POLICY).toEqual(policy);
  });

  it("describes how a child ended", () => {
    expect(describeExit(1, null)).toBe("exit code 1");
    expect(describeExit(null, "SIGKILL")).toBe("killed by SIGKILL");
  });
});
