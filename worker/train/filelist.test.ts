import { describe, expect, it } from "vitest";
import { buildFilelist, filelistLine, heldOutCount, pickHeldOut, sourceOf } from "./filelist";

const mute = { gt: "/m/gt.wav", feature: "/m/f.npy", f0: "/m/f0.npy", f0nsf: "/m/nsf.npy" };
const dirs = { gt: "/e/0_gt_wavs", feature: "/e/3_feature768", f0: "/e/2a_f0", f0nsf: "/e/2b-f0nsf" };
/** `files` source files with `slices` slices each: "0_0", "0_1", … */
const stemsOf = (files: number, slices: number) => Array.from({ length: files * slices }, (_, i) => `${Math.floor(i / slices)}_${i % slices}`);

describe("held-out clips", () => {
  it("counts 5 % of the slices, at least 2, at most 20, at most half, 0 = off", () => {
    expect(heldOutCount(100, 0.05)).toBe(5);
    expect(heldOutCount(10, 0.05)).toBe(2);
    expect(heldOutCount(1000, 0.05)).toBe(20);
    expect(heldOutCount(1000, 0)).toBe(0);
    expect(heldOutCount(3, 0.05)).toBe(0);
    expect(heldOutCount(4, 0.5)).toBe(2);
  });

  it("takes whole source files, deterministically", () => {
    const stems = stemsOf(40, 3); // 120 slices → 6 held out = two whole files
    const a = pickHeldOut(stems, 0.05);
    expect(a).toHaveLength(6);
    expect(pickHeldOut([...stems].reverse(), 0.05)).toEqual(a);
    const sources = new Set(a.map(sourceOf));
    expect(sources.size).toBe(2);
    for (const src of sources) expect(stems.filter((s) => sourceOf(s) === src).every((s) => a.includes(s))).toBe(true);
  });

  it("splits a file only when no whole file fits", () => {
    const stems = stemsOf(1, 40); // one long recording: 2 of its slices
    const a = pickHeldOut(stems, 0.05);
    expect(a).toHaveLength(2);
    expect(new Set(a.map(sourceOf))).toEqual(new Set(["0"]));
  });

  it("never puts a held-out clip into filelist.txt", () => {
    const stems = stemsOf(20, 4);
    const heldOut = pickHeldOut(stems, 0.05);
    expect(heldOut.length).toBeGreaterThanOrEqual(2);
    const list = buildFilelist({ dirs, stems: { gt: stems, feature: stems, f0: stems, f0nsf: stems }, f0: true, speakerId: 0, mute, heldOut });
    const trained = list.text.split("\n").map((l) => l.split("|")[0]!);
    for (const s of heldOut) expect(trained).not.toContain(`${dirs.gt}/${s}.wav`);
    expect(list.stems).toHaveLength(stems.length - heldOut.length);
    expect(list.heldOut).toEqual(heldOut);
    expect(list.heldOutText.split("\n").map((l) => l.split("|")[0])).toEqual(heldOut.map((s) => `${dirs.gt}/${s}.wav`));
    expect(list.text.split("\n")).toHaveLength(stems.length - heldOut.length + 2);
  });

  it("ignores held-out names that are not usable clips", () => {
    const stems = stemsOf(4, 2);
    const list = buildFilelist({ dirs, stems: { gt: stems, feature: stems, f0: stems, f0nsf: stems }, f0: true, speakerId: 0, mute, heldOut: ["9_9", "0_0"] });
    expect(list.heldOut).toEqual(["0_0"]);
  });
});

describe("filelistLine", () => {
  it("is the line buildFilelist writes for the stem", () => {
    const built = buildFilelist({ dirs, stems: { gt: ["a_0"], feature: ["a_0"], f0: ["a_0"], f0nsf: ["a_0"] }, f0: true, speakerId: 0, mute, heldOut: ["a_0"] });
    expect(filelistLine(dirs, true, 0, "a_0")).toBe(built.heldOutText);
    expect(filelistLine(dirs, true, 0, "a_0")).toBe("/e/0_gt_wavs/a_0.wav|/e/3_feature768/a_0.npy|/e/2a_f0/a_0.wav.npy|/e/2b-f0nsf/a_0.wav.npy|0");
  });
});

describe("the dataset doctor's exclusions", () => {
  it("an excluded stem is neither in filelist.txt nor held out; the others all are", () => {
    const stems = stemsOf(4, 3);
    const excluded = new Set(["1_0", "1_1", "1_2", "2_1"]);
    const list = buildFilelist({ dirs, stems: { gt: stems, feature: stems, f0: stems, f0nsf: stems }, f0: true, speakerId: 0, mute, heldOut: ["2_1", "3_0"], excluded });
    for (const s of excluded) expect(list.text).not.toContain(`/${s}.wav`);
    expect(list.heldOut).toEqual(["3_0"]);
    expect(list.stems).toEqual(stems.filter((s) => !excluded.has(s) && s !== "3_0").sort());
    expect(list.text.split("\n")).toHaveLength(list.stems.length + 2);
  });
});
