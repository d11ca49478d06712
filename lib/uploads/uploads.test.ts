import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { datasetCard, type CardFile } from "./card";
import { parseRange } from "./http-range";
import { cleanOriginalName } from "./names";
import { sweepIncoming } from "./tus";

const file = (id: string, seconds: number, rate = 40000, stats: CardFile["stats"] = { clippedFraction: 0, peakDb: -6, silentFraction: 0.1 }): CardFile => ({
  id,
  originalName: `${id}.wav`,
  durationSec: seconds,
  sampleRate: rate,
  stats,
});

describe("dataset card", () => {
  it("adds up and finds shortest/longest", () => {
    const c = datasetCard([file("a", 300), file("b", 30), file("c", 400)]);
    expect(c).toMatchObject({ fileCount: 3, totalSeconds: 730, shortest: { name: "b.wav", seconds: 30 }, longest: { name: "c.wav", seconds: 400 } });
    expect(c.warnings).toEqual([]);
  });

  it.each([
    [[], "no_audio"],
    [[file("a", 59)], "under_1_minute"],
    [[file("a", 120)], "under_10_minutes"],
  ])("warns about too little audio %#", (files, code) => {
    expect(datasetCard(files).warnings.map((w) => w.code)).toEqual([code]);
  });

  it("warns about clipping, low level, silence and mixed rates, naming the files", () => {
    const c = datasetCard([
      file("clip", 400, 40000, { clippedFraction: 0.01, peakDb: 0, silentFraction: 0 }),
      file("quiet", 400, 40000, { clippedFraction: 0, peakDb: -40, silentFraction: 0.2 }),
      file("silent", 400, 48000, { clippedFraction: 0, peakDb: -3, silentFraction: 0.8 }),
    ]);
    const byCode = Object.fromEntries(c.warnings.map((w) => [w.code, w]));
    expect(Object.keys(byCode).sort()).toEqual(["clipping", "low_level", "mixed_sample_rates", "mostly_silence"]);
    expect(byCode.clipping!.files).toEqual(["clip"]);
    expect(byCode.clipping!.message).toContain("clip.wav");
    expect(byCode.low_level!.files).toEqual(["quiet"]);
    expect(byCode.mostly_silence!.files).toEqual(["silent"]);
    expect(byCode.mixed_sample_rates!.message).toMatch(/40 kHz × 2, 48 kHz × 1/);
  });
});

describe("original names", () => {
  it("keeps unicode, spaces and folders; tidies separators", () => {
    expect(cleanOriginalName("Ünïcødé take 1 — 日本語.wav")).toBe("Ünïcødé take 1 — 日本語.wav");
    expect(cleanOriginalName("speaker\\day 1/./a.wav")).toBe("speaker/day 1/a.wav");
  });
  it.each([
    ["../../etc/passwd.wav", /".." path segments/],
    ["a/../../b.wav", /".." path segments/],
    ["/etc/passwd.wav", /absolute path/],
    ["C:\\x.wav", /absolute path/],
    ["a\u0000.wav", /control characters/],
    ["  ", /empty/],
    ["x".repeat(1100) + ".wav", /longer than 1024 bytes/],
  ])("refuses %j", (name, why) => {
    expect(() => cleanOriginalName(name)).toThrow(why);
  });
});

describe("byte ranges", () => {
  it.each([
    [null, 100, undefined],
    ["bytes=0-9", 100, [0, 9]],
    ["bytes=90-", 100, [90, 99]],
    ["bytes=-10", 100, [90, 99]],
    ["bytes=50-1000", 100, [50, 99]],
    ["bytes=100-", 100, "unsatisfiable"],
    ["bytes=5-2", 100, "unsatisfiable"],
    ["items=1-2", 100, undefined],
  ])("%s of %d → %j", (h, size, want) => expect(parseRange(h as string | null, size)).toEqual(want));
});

describe("incoming sweep", () => {
  it("removes only stale leftovers: finished-but-unprocessed uploads, orphans and unpack folders", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vs-sweep-"));
    const write = (name: string, data: string) => fs.writeFileSync(path.join(dir, name), data);
    write("done", "1234");
    write("done.json", JSON.stringify({ size: 4 }));
    write("partial", "12");
    write("partial.json", JSON.stringify({ size: 4 }));
    write("orphan", "x");
    fs.mkdirSync(path.join(dir, "z.unpack"));
    write("fresh", "1234");
    write("fresh.json", JSON.stringify({ size: 4 }));
    const old = new Date(Date.now() - 10_000);
    for (const n of ["done", "done.json", "partial", "partial.json", "orphan", "z.unpack"]) fs.utimesSync(path.join(dir, n), old, old);
    await sweepIncoming(dir, 5_000);
    // the partial upload is the tus store's to expire; fresh things stay
    expect(fs.readdirSync(dir).sort()).toEqual(["fresh", "fresh.json", "partial", "partial.json"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
