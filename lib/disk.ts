/**
 * A full disk, one clear error everywhere: ENOSPC/EDQUOT from any file write and Postgres's "could not extend
 * file" / SQLSTATE 53100 all become `disk_full` (HTTP 507) naming which disk (by its variable, never a path) and
 * what to do. Plus free-space preflights: estimate what a stage or upload will write and refuse before starting.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { config, type Config } from "./config";
import { ApiError } from "./errors";
import { formatBytes } from "./format";
import { isInside } from "./paths";

/** The disks the app writes to, by the variable that places them; `database` is Postgres's own data dir. */
export type DiskName = "DATA_ROOT" | "UPLOADS_DIR" | "EXPERIMENTS_DIR" | "MODELS_ROOT" | "database";

const FS_CODES = new Set(["ENOSPC", "EDQUOT"]);
/** Postgres SQLSTATE 53100 disk_full (53000 insufficient_resources is not always a disk) */
const PG_CODES = new Set(["53100"]);
const MESSAGE = /No space left on device|Disk quota exceeded|could not extend file/i;
/** wording Postgres uses (its messages carry paths of its own files: never shown) */
const PG_MESSAGE = /could not extend file|could not write to file|could not write block|SQLSTATE 53100/i;

interface Walk {
  code?: unknown;
  originalCode?: unknown;
  message?: unknown;
  originalMessage?: unknown;
  cause?: unknown;
  meta?: unknown;
  errno?: unknown;
}

/**
 * Visits an error, its `cause` chain and Prisma's `meta` (where the adapter puts the driver's error), breadth
 * first, at most 6 levels deep. Returns the first value `test` gives that is not undefined.
 */
function search<T>(err: unknown, test: (e: Walk) => T | undefined): T | undefined {
  const seen = new Set<unknown>();
  let level: unknown[] = [err];
  for (let depth = 0; depth < 6 && level.length; depth++) {
    const next: unknown[] = [];
    for (const e of level) {
      if (e === null || typeof e !== "object" || seen.has(e)) continue;
      seen.add(e);
      const w = e as Walk;
      const hit = test(w);
      if (hit !== undefined) return hit;
      if (w.cause !== undefined) next.push(w.cause);
      if (w.meta && typeof w.meta === "object") next.push(w.meta, ...Object.values(w.meta as object));
    }
    level = next;
  }
  return undefined;
}

export interface DiskFullCause {
  /** "fs" for a file write of ours, "database" for Postgres */
  source: "fs" | "database";
  /** the path the failed call named, when it named one (for choosing the disk; never shown) */
  path?: string;
}

/** Is this error (or anything in its cause chain) a full disk or exceeded quota? Pure. */
export function diskFullCause(err: unknown): DiskFullCause | undefined {
  if (err instanceof ApiError) return err.code === "disk_full" ? { source: "fs" } : undefined;
  return search<DiskFullCause>(err, (e) => {
    const code = typeof e.code === "string" ? e.code : typeof e.originalCode === "string" ? e.originalCode : undefined;
    const message = [e.message, e.originalMessage].filter((m) => typeof m === "string").join(" ");
    if (code && PG_CODES.has(code)) return { source: "database" };
    if (PG_MESSAGE.test(message) && MESSAGE.test(message)) return { source: "database" };
    if ((code && FS_CODES.has(code)) || e.errno === -28 || e.errno === -122 || MESSAGE.test(message)) {
      const p = (e as { path?: unknown }).path;
      return { source: "fs", ...(typeof p === "string" ? { path: p } : {}) };
    }
    return undefined;
  });
}

export const isDiskFull = (err: unknown): boolean => diskFullCause(err) !== undefined;

/** Which configured disk a path is on: the most specific configured root that holds it. Pure. */
export function diskOf(p: string, cfg: Pick<Config, "dataRoot" | "uploadsDir" | "experimentsDir" | "modelsRoot">): DiskName {
  const roots: [DiskName, string][] = [
    ["UPLOADS_DIR", cfg.uploadsDir],
    ["EXPERIMENTS_DIR", cfg.experimentsDir],
    ["MODELS_ROOT", cfg.modelsRoot],
    ["DATA_ROOT", cfg.dataRoot],
  ];
  const holding = roots.filter(([, r]) => isInside(r, p)).sort((a, b) => b[1].length - a[1].length);
  return holding[0]?.[0] ?? "DATA_ROOT";
}

const WHAT: Record<DiskName, string> = {
  DATA_ROOT: "the data disk (DATA_ROOT)",
  UPLOADS_DIR: "the uploads disk (UPLOADS_DIR)",
  EXPERIMENTS_DIR: "the experiments disk (EXPERIMENTS_DIR)",
  MODELS_ROOT: "the models disk (MODELS_ROOT)",
  database: "the database's disk (Postgres)",
};

/** The one `disk_full` error (507). `needed`/`free` when a preflight knows them. Pure. */
export function diskFullError(disk: DiskName, opts: { needed?: number; free?: number; what?: string } = {}): ApiError {
  const space =
    opts.needed !== undefined && opts.free !== undefined
      ? `: ${opts.what ?? "this"} needs about ${formatBytes(opts.needed)} and ${formatBytes(opts.free)} are free`
      : opts.free !== undefined
        ? ` (${formatBytes(opts.free)} free)`
        : "";
  const todo =
    disk === "database"
      ? "free space on the disk that holds Postgres's data (the embedded one lives in DATA_ROOT/postgres), then retry"
      : `free space there (delete old experiments, models or conversions) or point ${disk} at a larger disk, then retry`;
  return new ApiError(507, "disk_full", `${WHAT[disk][0]!.toUpperCase()}${WHAT[disk].slice(1)} is full${space}; ${todo}`, {
    disk,
    ...(opts.needed !== undefined ? { needed: opts.needed } : {}),
    ...(opts.free !== undefined ? { free: opts.free } : {}),
  });
}

/** Free bytes for an unprivileged writer on the filesystem holding p (its nearest existing ancestor). */
export async function freeBytes(p: string): Promise<number> {
  let dir = path.resolve(p);
  for (;;) {
    try {
      const s = await fs.statfs(dir);
      return s.bavail * s.bsize;
    } catch (err) {
      const parent = path.dirname(dir);
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || parent === dir) throw err;
      dir = parent;
    }
  }
}

/**
 * Turn a full-disk error into the one `disk_full` ApiError, choosing the disk by the failed call's path, else
 * among `candidates` the one with the least free space; undefined for any other error.
 */
export async function asDiskFull(err: unknown, candidates: DiskName[] = ["DATA_ROOT"]): Promise<ApiError | undefined> {
  const cause = diskFullCause(err);
  if (!cause) return undefined;
  if (err instanceof ApiError) return err;
  if (cause.source === "database") return diskFullError("database");
  const cfg = config();
  const dirOf: Record<Exclude<DiskName, "database">, string> = {
    DATA_ROOT: cfg.dataRoot,
    UPLOADS_DIR: cfg.uploadsDir,
    EXPERIMENTS_DIR: cfg.experimentsDir,
    MODELS_ROOT: cfg.modelsRoot,
  };
  if (cause.path) {
    const disk = diskOf(cause.path, cfg) as Exclude<DiskName, "database">;
    return diskFullError(disk, { free: await freeBytes(dirOf[disk]).catch(() => undefined) });
  }
  let best: { disk: Exclude<DiskName, "database">; free: number } | undefined;
  for (const d of candidates) {
    if (d === "database") continue;
    const free = await freeBytes(dirOf[d]).catch(() => undefined);
    if (free !== undefined && (!best || free < best.free)) best = { disk: d, free };
  }
  return diskFullError(best?.disk ?? "DATA_ROOT", best ? { free: best.free } : {});
}

/** Preflight: refuse with `disk_full` before writing `needed` bytes under dir when they do not fit. */
export async function requireFreeSpace(dir: string, needed: number, what: string): Promise<void> {
  const free = await freeBytes(dir);
  if (needed > free) throw diskFullError(diskOf(dir, config()), { needed: Math.ceil(needed), free, what });
}
