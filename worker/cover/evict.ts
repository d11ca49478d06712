/**
 * The cover caches' size cap (COVER_CACHE_MAX_BYTES): after a cover, the least recently used entries (separate/{key}/
 * folders and convert/{key}.wav files, by modification time, which each use touches) are removed until the caches
 * fit. Work folders of running covers (.work-*) are neither counted nor removed.
 */
import fs from "node:fs/promises";
import path from "node:path";

interface Entry {
  path: string;
  bytes: number;
  usedMs: number;
}

async function sizeOf(p: string): Promise<number> {
  const st = await fs.stat(p).catch(() => null);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const name of await fs.readdir(p).catch(() => [] as string[])) n += await sizeOf(path.join(p, name));
  return n;
}

/** Every entry of both caches under `root` (DATA_ROOT/cache). */
export async function coverCacheEntries(root: string): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const sub of ["separate", "convert"]) {
    const dir = path.join(root, sub);
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (name.startsWith(".")) continue;
      const p = path.join(dir, name);
      const st = await fs.stat(p).catch(() => null);
      if (st) out.push({ path: p, bytes: await sizeOf(p), usedMs: st.mtimeMs });
    }
  }
  return out;
}

/** Remove the least recently used entries until the caches hold at most `maxBytes`. */
export async function evictCoverCache(maxBytes: number, root: string): Promise<{ removed: number; bytes: number }> {
  const entries = (await coverCacheEntries(root)).sort((a, b) => a.usedMs - b.usedMs);
  let total = entries.reduce((n, e) => n + e.bytes, 0);
  let removed = 0, bytes = 0;
  for (const e of entries) {
    if (total <= maxBytes) break;
    await fs.rm(e.path, { recursive: true, force: true });
    total -= e.bytes;
    bytes += e.bytes;
    removed++;
  }
  return { removed, bytes };
}
