import { describe, expect, it } from "vitest";
import { assign, choiceOf, tally, winnerOf } from "./listening-test-rules";

describe("listening test rules", () => {
  it("assign puts either epoch first, by the coin", () => {
    expect(assign([3, 8], 0)).toEqual({ epochA: 3, epochB: 8 });
    expect(assign([3, 8], 1)).toEqual({ epochA: 8, epochB: 3 });
  });
  it("winnerOf and choiceOf are inverse", () => {
    const t = { epochA: 8, epochB: 3 };
    for (const c of ["A", "B", "none"] as const) expect(choiceOf({ ...t, winner: winnerOf(t, c) })).toBe(c);
    expect(winnerOf(t, "A")).toBe(8);
    expect(winnerOf(t, "B")).toBe(3);
    expect(winnerOf(t, "none")).toBeNull();
  });
  it("tally counts wins, losses and ties of answered tests only, by epoch", () => {
    const at = new Date();
    expect(
      tally([
        { epochA: 10, epochB: 5, winner: 10, answeredAt: at },
        { epochA: 5, epochB: 10, winner: 10, answeredAt: at },
        { epochA: 5, epochB: 20, winner: null, answeredAt: at },
        { epochA: 5, epochB: 20, winner: null, answeredAt: null },
        { epochA: 20, epochB: 10, winner: 20, answeredAt: at },
      ]),
    ).toEqual([
      { epoch: 5, wins: 0, losses: 2, ties: 1 },
      { epoch: 10, wins: 2, losses: 1, ties: 0 },
      { epoch: 20, wins: 1, losses: 0, ties: 1 },
    ]);
  });
});
