/**
 * The benches' speech corpus: `../shared/scripts/make-corpus.sh` (espeak-ng voices + sox) made once per length into
 * the temp folder and reused by later runs (a `.done` marker says it is complete). Returns the folder and its WAVs.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function ensureCorpus(seconds: number, seed = 1): { dir: string; files: string[] } {
  const dir = path.join(os.tmpdir(), `vs-corpus-${seconds}`);
  if (!fs.existsSync(path.join(dir, ".done"))) {
    fs.rmSync(dir, { recursive: true, force: true });
    const script = path.resolve(import.meta.dirname, "..", "..", "shared", "scripts", "make-corpus.sh");
    execFileSync("bash", [script, dir, String(seconds), String(seed)], { stdio: "inherit" });
    fs.writeFileSync(path.join(dir, ".done"), "");
  }
  return { dir, files: fs.readdirSync(dir).filter((f) => f.endsWith(".wav")).sort() };
}
