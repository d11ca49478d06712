/** Song covers on the Convert page: the mix form's helpers and the cover job's steps folded from its events. */
import { describe, expect, it } from "vitest";
import { coverSteps, defaultMixValues, followTranspose, summarizeCover } from "../../components/convert/cover";
import { applyEvent, type LiveJobs, type StreamEvent } from "../../components/useJobEvents";
import { COVER_DEFAULTS, COVER_FIELDS } from "../../lib/cover-params";

let nextId = 1;
const ev = (kind: StreamEvent["kind"], data: Record<string, unknown> | null, message: string | null = null): StreamEvent => ({
  id: String(nextId++),
  jobId: "j",
  kind,
  level: kind === "log" ? "info" : null,
  message,
  data,
  at: "2026-12-02T00:00:00.000Z",
});
const progress = (stage: string, percent: number, extra: Record<string, unknown> = {}) =>
  ev("progress", { done: percent, total: 100, stage, percent, etaSeconds: null, rate: null, unit: null, ...extra });
const fold = (events: StreamEvent[]) => events.reduce<LiveJobs>(applyEvent, {}).j!;
const states = (steps: ReturnType<typeof coverSteps>) => steps.map((s) => `${s.stage}:${s.state}${s.state === "running" ? ` ${s.percent}%` : ""}`);

describe("followTranspose", () => {
  it("copies the voice's pitch shift, rounded and clamped to the accompaniment's range", () => {
    const { min, max } = COVER_FIELDS.accompanimentPitch;
    expect(followTranspose("2")).toBe("2");
    expect(followTranspose("-5")).toBe("-5");
    expect(followTranspose("19")).toBe(String(max));
    expect(followTranspose("-24")).toBe(String(min));
    expect(followTranspose("2.6")).toBe("3");
    expect(followTranspose("-0.2")).toBe("0");
  });

  it("gives nothing for a pitch that is not a number yet", () => {
    expect(followTranspose("")).toBeNull();
    expect(followTranspose("-")).toBeNull();
    expect(followTranspose("abc")).toBeNull();
  });
});

describe("the mix form", () => {
  it("starts from the API's defaults", () => {
    expect(defaultMixValues()).toEqual({
      vocalsGain: String(COVER_DEFAULTS.vocalsGain),
      accompanimentGain: String(COVER_DEFAULTS.accompanimentGain),
      accompanimentPitch: String(COVER_DEFAULTS.accompanimentPitch),
    });
  });

  it("summarizes a cover's mix with signed values, the accompaniment's pitch only when moved", () => {
    const nb = "\u00a0"; // value and unit never part
    expect(summarizeCover({ vocalsGain: 0, accompanimentGain: 0, accompanimentPitch: 0 })).toBe(`vocals 0${nb}dB · accompaniment 0${nb}dB`);
    expect(summarizeCover({ vocalsGain: 3, accompanimentGain: -6.5, accompanimentPitch: -2 })).toBe(
      `vocals +3${nb}dB · accompaniment −6.5${nb}dB · accompaniment −2${nb}st`,
    );
  });
});

describe("a cover job's steps", () => {
  it("lists the stages its events name, in order, with their percent and whether they were cached", () => {
    const live = fold([
      ev("status", { status: "running" }, "running"),
      progress("separating", 100, { cached: true }),
      progress("converting", 40),
      ev("log", null, "a line without a stage"),
      progress("converting", 80),
    ]);
    expect(live.stages).toEqual([
      { name: "separating", percent: 100, cached: true },
      { name: "converting", percent: 80, cached: false },
    ]);
    // the newest progress is still the progress bar's
    expect(live.progress?.stage).toBe("converting");
  });

  it("takes `cached` from any event that names the stage (a metric as well as a progress event), and keeps it", () => {
    const live = fold([ev("metric", { stage: "separating", cached: true }), progress("separating", 100), progress("converting", 10)]);
    expect(live.stages?.[0]).toEqual({ name: "separating", percent: 100, cached: true });
  });

  it("shows each step waiting, running, done or cached as the job goes on", () => {
    expect(states(coverSteps(undefined, "queued"))).toEqual(["separating:waiting", "converting:waiting", "mixing:waiting"]);
    const running = fold([progress("separating", 100), progress("converting", 37.4)]);
    expect(states(coverSteps(running.stages, "running"))).toEqual(["separating:done", "converting:running 37%", "mixing:waiting"]);
    const second = fold([progress("separating", 100, { cached: true }), progress("converting", 100, { cached: true }), progress("mixing", 20)]);
    expect(states(coverSteps(second.stages, "running"))).toEqual(["separating:cached", "converting:cached", "mixing:running 20%"]);
    // the job's end marks the last step done even when its final progress event was collapsed away
    expect(states(coverSteps(second.stages, "succeeded"))).toEqual(["separating:cached", "converting:cached", "mixing:done"]);
  });

  it("says which step a failed or cancelled job ended in", () => {
    const live = fold([progress("separating", 100), progress("converting", 12)]);
    expect(states(coverSteps(live.stages, "failed"))).toEqual(["separating:done", "converting:failed", "mixing:waiting"]);
    expect(states(coverSteps(live.stages, "cancelled"))).toEqual(["separating:done", "converting:cancelled", "mixing:waiting"]);
  });
});
