/**
 * `preprocess.json` in the experiment dir: which upload became which `{idx0}_*` files, so a re-run
 * skips finished sources, redoes a half-done one, and removes the outputs of deleted uploads.
 */
import fs from "node:fs/promises";
import { writeFileAtomic } from "../../lib/fs-atomic";

export interface SourceEntry {
  idx0: number;
  sha256: string;
  name: string;
  status: "done" | "failed";
  chunks: number;
  skipped: number;
  seconds: number;
  error?: string;
  /** errno code when the failure was the system's (ENOSPC, EIO, …): the source is missing, not unusable */
  code?: string;
  /** each chunk written: its idx1 and where it starts in the source (seconds) */
  slices?: { index: number; startSec: number }[];
}

export interface PreprocessManifest {
  version: 1;
  sampleRate: number;
  per: number;
  /** the cleaning the chunks carry (lib/dataset/cleaning.ts describeCleaning; absent: "off") */
  cleaning?: string;
  sources: Record<string, SourceEntry>;
}

export function emptyManifest(sampleRate: number, per: number, cleaning = "off"): PreprocessManifest {
  return { version: 1, sampleRate, per, cleaning, sources: {} };
}

export async function readManifest(file: string): Promise<PreprocessManifest | null> {
  try {
    const m = JSON.parse(await fs.readFile(file, "utf8")) as PreprocessManifest;
    return m.version === 1 && typeof m.sources === "object" ? m : null;
  } catch {
    return null;
  }
}

export const writeManifest = (file: string, m: PreprocessManifest) => writeFileAtomic(file, JSON.stringify(m, null, 1));

/** The idx0 for a source: its old one, or the next free one (indices are never reused while listed). */
export function assignIdx0(m: PreprocessManifest, sourceId: string): number {
  const existing = m.sources[sourceId];
  if (existing) return existing.idx0;
  const used = Object.values(m.sources).map((s) => s.idx0);
  return used.length ? Math.max(...used) + 1 : 0;
}
