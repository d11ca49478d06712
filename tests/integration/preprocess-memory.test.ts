/**
 * Preprocess memory is flat in the length of a file: the same per-file task (worker/preprocess/file-task.ts) on
 * 1 minute and on 10 minutes of 48 kHz stereo speech, each in a fresh Node process, must peak at about the same
 * RSS. Whole-file processing peaked at ~4× more for the 10-minute file (the decoded channels, their resampled
 * copies, the filtered signal: ~55 MB per minute). A ratio of peaks, no timing.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechWav, tempDir } from "../helpers/audio-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");
let dir: string;

beforeAll(() => {
  dir = tempDir("vs-pre-mem-");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Peak RSS (MB) of a fresh process that preprocesses `file` to 40 kHz, and its chunk count. */
function peakOfPreprocess(file: string, out: string): { peakMB: number; chunks: number; seconds: number } {
  fs.mkdirSync(path.join(out, "gt"), { recursive: true });
  fs.mkdirSync(path.join(out, "16k"), { recursive: true });
  const script = `
    const { run } = await import(${JSON.stringify(path.join(ROOT, "worker/preprocess/file-task.ts"))});
    const r = await run({ file: process.argv[1], name: "long", sampleRate: 40000, idx0: 0, gtDir: process.argv[2] + "/gt", wavDir: process.argv[2] + "/16k", minSeconds: 1 });
    if (r.error) throw new Error(r.error);
    console.log(JSON.stringify({ peakMB: process.resourceUsage().maxRSS / 1024, chunks: r.chunks, seconds: r.seconds }));`;
  const stdout = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, file, out], { cwd: ROOT, encoding: "utf8" });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

describe("preprocess memory", () => {
  it("peaks at about the same RSS for 10 minutes of audio as for 1 minute", () => {
    const speech = speechWav(dir, "s.wav", "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.");
    const unit = path.join(dir, "unit.wav");
    execFileSync("sox", [speech, "-r", "48000", "-c", "2", "-b", "16", unit, "pad", "0", "6", "trim", "0", "6"]);
    const long = (minutes: number) => {
      const f = path.join(dir, `${minutes}.wav`);
      execFileSync("sox", [unit, f, "repeat", String(minutes * 10 - 1)]);
      return f;
    };
    const short = peakOfPreprocess(long(1), path.join(dir, "out1"));
    const ten = peakOfPreprocess(long(10), path.join(dir, "out10"));
    expect(short.seconds).toBeCloseTo(60, 0);
    expect(ten.seconds).toBeCloseTo(600, 0);
    expect(ten.chunks).toBeGreaterThan(9 * short.chunks);
    expect(ten.peakMB / short.peakMB, `peak RSS: ${short.peakMB.toFixed(0)} MB for 1 min, ${ten.peakMB.toFixed(0)} MB for 10 min`).toBeLessThan(1.4);
  }, 300_000);
});
