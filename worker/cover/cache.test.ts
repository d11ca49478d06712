import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { convertKey, placeEntry, separateKey, stableJson } from "./cache";
import { coverCacheEntries, evictCoverCache } from "./evict";

const dirs: string[] = [];
const temp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "vs-cover-cache-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("cover cache keys", () => {
  it("stable JSON ignores key order; keys change with every part", () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: "s" } })).toBe('{"a":{"c":"s","d":[1,{"x":1,"y":2}]},"b":1}');
    const p = { nFft: 7680, dimF: 3072 };
    const k = separateKey("aa", "h1", p);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(separateKey("aa", "h1", { dimF: 3072, nFft: 7680 })).toBe(k);
    expect(separateKey("ab", "h1", p)).not.toBe(k);
    expect(separateKey("aa", "h2", p)).not.toBe(k);
    expect(separateKey("aa", "h1", { ...p, dimF: 2048 })).not.toBe(k);
    const c = convertKey(k, "m", "sha", { pitch: 0 }, { content: "1:2" });
    expect(convertKey(k, "m", "sha", { pitch: 1 }, { content: "1:2" })).not.toBe(c);
    expect(convertKey(k, "m", "sha2", { pitch: 0 }, { content: "1:2" })).not.toBe(c);
    expect(convertKey(k, "n", "sha", { pitch: 0 }, { content: "1:2" })).not.toBe(c);
    expect(convertKey(k, "m", "sha", { pitch: 0 }, { content: "1:3" })).not.toBe(c);
  });
});

describe("placeEntry", () => {
  it("renames a work folder into place; when the entry is already there keeps it and drops the work folder", async () => {
    const root = temp();
    const a = path.join(root, "work-a"), b = path.join(root, "work-b"), to = path.join(root, "entry");
    for (const [d, text] of [[a, "first"], [b, "second"]] as const) {
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, "x"), text);
    }
    expect(await placeEntry(a, to)).toBe(true);
    expect(await placeEntry(b, to)).toBe(false);
    expect(fs.readFileSync(path.join(to, "x"), "utf8")).toBe("first");
    expect(fs.existsSync(b)).toBe(false);
  });
});

describe("evictCoverCache", () => {
  it("removes the least recently used entries until the caches fit, never a work folder", async () => {
    const root = temp();
    fs.mkdirSync(path.join(root, "separate"), { recursive: true });
    fs.mkdirSync(path.join(root, "convert"), { recursive: true });
    const at = (p: string, s: number) => fs.utimesSync(p, s, s);
    const sep = (key: string, bytes: number, t: number) => {
      const d = path.join(root, "separate", key);
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, "vocals.wav"), Buffer.alloc(bytes));
      at(d, t);
    };
    const conv = (key: string, bytes: number, t: number) => {
      const f = path.join(root, "convert", `${key}.wav`);
      fs.writeFileSync(f, Buffer.alloc(bytes));
      at(f, t);
    };
    sep("old", 1000, 1_000_000);
    conv("mid", 500, 2_000_000);
    sep("new", 1000, 3_000_000);
    conv("newest", 200, 4_000_000);
    fs.mkdirSync(path.join(root, ".work-x"));
    fs.writeFileSync(path.join(root, ".work-x", "big"), Buffer.alloc(10_000));
    expect((await coverCacheEntries(root)).reduce((n, e) => n + e.bytes, 0)).toBe(2700);

    expect(await evictCoverCache(10_000, root)).toEqual({ removed: 0, bytes: 0 });
    expect(await evictCoverCache(1300, root)).toEqual({ removed: 2, bytes: 1500 });
    expect(fs.readdirSync(path.join(root, "separate"))).toEqual(["new"]);
    expect(fs.readdirSync(path.join(root, "convert"))).toEqual(["newest.wav"]);
    expect(fs.existsSync(path.join(root, ".work-x", "big"))).toBe(true);
    expect(await evictCoverCache(0, root)).toEqual({ removed: 2, bytes: 1200 });
  });
});
