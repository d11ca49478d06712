import { describe, expect, it } from "vitest";
import { formatAttempt, queueStandingText, formatDateTime, formatProgress, formatTime, roundProgress } from "./format";

describe("progress numbers", () => {
  it("rounds fractional amounts to one decimal and keeps whole ones", () => {
    expect(roundProgress(306.04947845804986)).toBe(306);
    expect(roundProgress(12.345)).toBe(12.3);
    expect(roundProgress(40)).toBe(40);
  });

  it("shows seconds as durations and counts with their unit", () => {
    expect(formatProgress(306.04947845804986, 306.04947845804986, "s")).toBe("5m 06s / 5m 06s");
    expect(formatProgress(3.5, 61.2, "audio s")).toBe("4s / 1m 01s of audio");
    expect(formatProgress(12, 40, "files")).toBe("12 / 40 files");
    expect(formatProgress(0.33333, 1)).toBe("0.3 / 1");
  });
});

describe("formatDateTime", () => {
  it("writes a short date and time, not an ISO string", () => {
    expect(formatDateTime("2026-12-01T16:39:25.123Z")).toBe("2026-12-01 16:39 UTC");
    expect(formatDateTime(new Date("2026-01-05T23:30:00Z"), "Europe/Berlin")).toBe("2026-01-06 00:30");
    expect(formatDateTime("not a date")).toBe("—");
  });
});

describe("formatAttempt / formatTime", () => {
  it("counts attempts from 1 (a queued job is on its first), out of the most there can be; nothing when only one", () => {
    expect(formatAttempt(0, 3)).toBe("attempt 1 of 3");
    expect(formatAttempt(1, 3)).toBe("attempt 1 of 3");
    expect(formatAttempt(2, 3)).toBe("attempt 2 of 3");
    expect(formatAttempt(1, 1)).toBe("");
  });
  it("prints a log time as UTC hh:mm:ss", () => {
    expect(formatTime("2026-12-01T16:39:25.123Z")).toBe("16:39:25");
  });
});

describe("queueStandingText", () => {
  it("says what a job waits for, else its place in line (in a GPU queue: for a GPU worker)", () => {
    expect(queueStandingText({ name: "train-gpu", place: 1, waitingFor: "waiting for a GPU worker with PyTorch" })).toBe("waiting for a GPU worker with PyTorch");
    expect(queueStandingText({ name: "train-gpu", place: 2, waitingFor: null })).toBe("#2 in line for a GPU worker");
    expect(queueStandingText({ name: "convert", place: 3, waitingFor: null })).toBe("#3 in line");
  });
});
