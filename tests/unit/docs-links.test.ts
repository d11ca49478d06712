/**
 * The repository's docs stand alone: no tracked Markdown file points outside the repository (a clone has nothing
 * there), and every relative Markdown link names a file that exists.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const markdown = execFileSync("git", ["ls-files", "-z", "*.md"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);

/** Relative references in a Markdown text: link targets `](x)` and code spans or words that start with `../`. */
function relativeRefs(text: string): { target: string; link: boolean }[] {
  const refs: { target: string; link: boolean }[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!.split("#")[0]!;
    if (target && !/^[a-z][a-z0-9+.-]*:/i.test(target)) refs.push({ target, link: true });
  }
  const prose = text.replace(/\]\([^)]*\)/g, "]");
  for (const m of prose.matchAll(/(?:^|[\s`'"(])((?:\.\.\/)+[^\s`'")]*)/g)) refs.push({ target: m[1]!, link: false });
  return refs;
}

describe("docs stand alone", () => {
  it("finds the tracked Markdown files", () => {
    expect(markdown).toEqual(expect.arrayContaining(["README.md", "docs/api.md", "docs/architecture.md"]));
  });

  it("reads links and ../ references", () => {
    expect(relativeRefs("see [a](../shared/x.md#s) and `../../y/z.md`, [b](https://e.org) [c](docs/api.md)")).toEqual([
      { target: "../shared/x.md", link: true },
      { target: "docs/api.md", link: true },
      { target: "../../y/z.md", link: false },
    ]);
  });

  it("no tracked .md file refers outside the repository, and relative links resolve", () => {
    const wrong: string[] = [];
    for (const file of markdown) {
      const dir = path.dirname(path.join(ROOT, file));
      for (const { target, link } of relativeRefs(fs.readFileSync(path.join(ROOT, file), "utf8"))) {
        const resolved = path.resolve(dir, decodeURIComponent(target));
        if (path.relative(ROOT, resolved).startsWith("..")) wrong.push(`${file}: ${target} is outside the repository`);
        else if (link && !fs.existsSync(resolved)) wrong.push(`${file}: ${target} does not exist`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
