/**
 * The song-cover caches (DATA_ROOT/cache/, paths in lib/paths.ts): keys and entries.
 * - separate/{key}/: vocals.wav, accompaniment.wav (float32 stereo 44.1 kHz) and meta.json (the source's rate, frames,
 *   channels); key = sha256 over the input's sha256, the separation model's UVR hash and its parameters.
 * - convert/{key}.wav: the converted vocals (16-bit mono at the model's rate); key = sha256 over the separate key,
 *   the model's id, the sha256 of its ONNX and index files, the conversion settings and the content/pitch models' identity.
 * An entry appears complete or not at all: it is written in a work folder and renamed into place.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";

/** JSON with object keys sorted at every level: equal values give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

export function separateKey(inputSha256: string, modelUvrHash: string, params: object): string {
  return sha(stableJson({ v: 1, step: "separate", input: inputSha256, model: modelUvrHash, params }));
}

export function convertKey(sepKey: string, modelId: string, modelFilesSha256: string, settings: object, assets: object): string {
  return sha(stableJson({ v: 1, step: "convert", separate: sepKey, modelId, model: modelFilesSha256, settings, assets }));
}

/** What the mix needs to know of the song: its own rate, length and channels (meta.json of a separate entry). */
export interface SongMeta {
  sourceRate: number;
  sourceFrames: number;
  channels: number;
  /** frames of the 44.1 kHz stems */
  frames: number;
}

export const META_FILE = "meta.json";

export async function readMeta(file: string): Promise<SongMeta | null> {
  try {
    const m = JSON.parse(await fs.readFile(file, "utf8")) as SongMeta;
    return [m.sourceRate, m.sourceFrames, m.channels, m.frames].every((v) => Number.isInteger(v) && v > 0) ? m : null;
  } catch {
    return null;
  }
}

/**
 * Rename a finished work folder or file into place. Another cover of the same song may have placed the same entry
 * meanwhile (same key, same content): then ours is dropped. Returns whether ours was placed.
 */
export async function placeEntry(from: string, to: string): Promise<boolean> {
  try {
    await fs.rename(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === "ENOTEMPTY" || code === "EEXIST") && (await fs.stat(to).catch(() => null))) {
      await fs.rm(from, { recursive: true, force: true });
      return false;
    }
    throw err;
  }
}

/** Mark an entry as used now (eviction removes the least recently used first). */
export async function touch(entry: string): Promise<void> {
  const now = new Date();
  await fs.utimes(entry, now, now).catch(() => undefined);
}
