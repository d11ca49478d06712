/** Blind A/B listening tests (issue 15): the pure rules — random order, the stored winner, the tally. */

export type Choice = "A" | "B" | "none";

/** Pure: the stored winner of a choice (an epoch, or null for "none"). */
export function winnerOf(test: { epochA: number; epochB: number }, choice: Choice): number | null {
  return choice === "A" ? test.epochA : choice === "B" ? test.epochB : null;
}

/** Pure: the choice a stored answer was. */
export function choiceOf(test: { epochA: number; epochB: number; winner: number | null }): Choice {
  return test.winner === null ? "none" : test.winner === test.epochA ? "A" : "B";
}

/** Pure: [a, b] in a random order (`coin` 0 or 1). */
export function assign(epochs: readonly [number, number], coin: number): { epochA: number; epochB: number } {
  return coin === 0 ? { epochA: epochs[0], epochB: epochs[1] } : { epochA: epochs[1], epochB: epochs[0] };
}

/** Pure: per epoch wins, losses and ties ("no difference") over answered tests, by epoch. */
export function tally(tests: { epochA: number; epochB: number; winner: number | null; answeredAt: Date | null }[]) {
  const by = new Map<number, { epoch: number; wins: number; losses: number; ties: number }>();
  const row = (epoch: number) => by.get(epoch) ?? by.set(epoch, { epoch, wins: 0, losses: 0, ties: 0 }).get(epoch)!;
  for (const t of tests) {
    if (!t.answeredAt) continue;
    if (t.winner === null) {
      row(t.epochA).ties++;
      row(t.epochB).ties++;
    } else {
      row(t.winner).wins++;
      row(t.winner === t.epochA ? t.epochB : t.epochA).losses++;
    }
  }
  return [...by.values()].sort((a, b) => a.epoch - b.epoch);
}

