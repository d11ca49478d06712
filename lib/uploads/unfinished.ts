/**
 * The uploads in progress (created, not yet processed), read from the tus store's .json files in
 * UPLOADS_DIR/.incoming, and admission of new ones one at a time: a create decides against what is on disk plus
 * what was admitted a moment ago but whose .json the store has not written yet (a reservation, dropped when that
 * request ends). Without this, 500 parallel creates each saw an empty directory and were all accepted.
 * One web process owns the store (as for the tus server itself).
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { UnfinishedUpload } from "./limits";

/** Uploads the store knows of, by their .json; expired ones (the store's cleanup removes them) do not count. */
export async function readUnfinished(dir: string, expiryMs: number, now = Date.now()): Promise<UnfinishedUpload[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const read = async (name: string): Promise<UnfinishedUpload | undefined> => {
    try {
      const info = JSON.parse(await fs.readFile(path.join(dir, name), "utf8")) as {
        id?: unknown;
        size?: unknown;
        creation_date?: unknown;
        metadata?: { experimentId?: unknown };
      };
      const experimentId = info.metadata?.experimentId;
      if (typeof info.id !== "string" || typeof experimentId !== "string" || typeof info.size !== "number") return undefined;
      const created = typeof info.creation_date === "string" ? Date.parse(info.creation_date) : NaN;
      if (Number.isFinite(created) && created + expiryMs < now) return undefined;
      return { id: info.id, experimentId, size: info.size };
    } catch {
      return undefined; // gone meanwhile, or not ours to judge (the incoming sweep deals with broken files)
    }
  };
  const found = await Promise.all(names.filter((n) => n.endsWith(".json")).map(read));
  return found.filter((u): u is UnfinishedUpload => u !== undefined);
}

export class Admission {
  private readonly reserved = new Map<string, UnfinishedUpload>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly expiryMs: number,
  ) {}

  /**
   * Run `decide` alone in this process with the uploads in progress; the upload it returns is counted from now
   * on (reserved until release(id), by which time its .json is on disk or its creation failed).
   */
  admit<T>(decide: (unfinished: UnfinishedUpload[]) => Promise<{ result: T; reserve: UnfinishedUpload }>): Promise<T> {
    const run = this.queue.then(async () => {
      const onDisk = await readUnfinished(this.dir, this.expiryMs);
      const ids = new Set(onDisk.map((u) => u.id));
      const all = [...onDisk, ...[...this.reserved.values()].filter((u) => !ids.has(u.id))];
      const { result, reserve } = await decide(all);
      this.reserved.set(reserve.id, reserve);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  release(id: string): void {
    this.reserved.delete(id);
  }
}
