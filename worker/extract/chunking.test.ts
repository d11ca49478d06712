import { describe, expect, it } from "vitest";
import { planChunks } from "./chunking";

describe("planChunks", () => {
  it("keeps an input that fits as one whole chunk", () => {
    expect(planChunks(100, { maxFrames: 128, context: 10, align: 32 })).toEqual([{ inStart: 0, inEnd: 100, coreStart: 0, coreEnd: 100 }]);
    expect(planChunks(0, { maxFrames: 128, context: 10 })).toEqual([]);
  });

  it("tiles every frame exactly once, with bounded inputs, aligned starts and full context where available", () => {
    for (const [total, maxFrames, context, align] of [
      [1000, 128, 32, 32],
      [1001, 96, 10, 32],
      [999, 50, 7, 1],
      [129, 128, 16, 32],
    ] as const) {
      const chunks = planChunks(total, { maxFrames, context, align });
      const ctx = Math.ceil(context / align) * align;
      let next = 0;
      for (const c of chunks) {
        expect(c.coreStart).toBe(next);
        next = c.coreEnd;
        expect(c.inEnd - c.inStart).toBeLessThanOrEqual(maxFrames);
        expect(c.inStart % align).toBe(0);
        expect(c.coreStart - c.inStart).toBe(Math.min(ctx, c.coreStart));
        expect(c.inEnd - c.coreEnd).toBe(Math.min(ctx, total - c.coreEnd));
      }
      expect(next).toBe(total);
      expect(chunks.length).toBeGreaterThan(1);
    }
  });

  it("refuses a chunk size that leaves no core", () => {
    expect(() => planChunks(1000, { maxFrames: 64, context: 32, align: 32 })).toThrow(/no room/);
  });
});
