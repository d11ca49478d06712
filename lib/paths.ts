/**
 * Every filesystem path the app uses is built here. Each builder refuses a name or
 * path that would resolve outside its root, so no user input can reach elsewhere.
 */
import path from "node:path";
import { config, type Config } from "./config";

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathError";
  }
}

/** Sub-folders of an experiment dir, with RVC's exact names (rvc-formats.md §12: `2b-f0nsf` has a hyphen). */
export const RVC_SUBDIRS = {
  gtWavs: "0_gt_wavs",
  wavs16k: "1_16k_wavs",
  f0: "2a_f0",
  f0nsf: "2b-f0nsf",
} as const;

export type RvcVersion = "v1" | "v2";

export function featureDirName(version: RvcVersion): string {
  return version === "v1" ? "3_feature256" : "3_feature768";
}

/** One path segment that cannot climb or hide: no separators, no NUL, not `.`/`..`, not empty. */
export function assertSafeSegment(name: string, what = "name"): string {
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > 255 ||
    name === "." ||
    name === ".." ||
    /[/\\\0]/.test(name)
  ) {
    throw new PathError(`Unsafe ${what} ${JSON.stringify(name)}: it must be one plain path segment`);
  }
  return name;
}

/** Join parts under root and refuse the result if it is not strictly inside root. */
export function within(root: string, ...parts: string[]): string {
  for (const p of parts) {
    if (p.includes("\0")) throw new PathError("Unsafe path: contains a NUL byte");
  }
  const base = path.resolve(root);
  const full = path.resolve(base, ...parts);
  const rel = path.relative(base, full);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new PathError(`Unsafe path ${JSON.stringify(parts.join("/"))}: it leaves ${base}`);
  }
  return full;
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

export function createPaths(cfg: Config) {
  const exp = (name: string) => assertSafeSegment(name, "experiment name");
  return {
    dataRoot: cfg.dataRoot,
    /** data dir of embedded Postgres */
    postgresDir: () => within(cfg.dataRoot, "postgres"),
    postgresSecretFile: () => within(cfg.dataRoot, "postgres.secret"),
    uploadsIncoming: () => within(cfg.uploadsDir, ".incoming"),
    experimentUploads: (name: string) => within(cfg.uploadsDir, exp(name)),
    uploadFile: (name: string, storedName: string) =>
      within(cfg.uploadsDir, exp(name), assertSafeSegment(storedName, "file name")),
    /** a file's separated stems, beside the uploads: `{UPLOADS_DIR}/{exp}/stems/{fileId}/` (originals never change) */
    stemsDir: (name: string, fileId: string) => within(cfg.uploadsDir, exp(name), "stems", assertSafeSegment(fileId, "file id")),
    stemFile: (name: string, fileId: string, stem: "vocals" | "accompaniment") =>
      within(cfg.uploadsDir, exp(name), "stems", assertSafeSegment(fileId, "file id"), `${stem}.wav`),
    separationModel: () => cfg.separationModelPath,
    experimentDir: (name: string) => within(cfg.experimentsDir, exp(name)),
    /** every training step's losses, written by the trainer (worker/trainer/steplog.py), read by lib/training-history.ts */
    trainingStepFile: (name: string) => within(cfg.experimentsDir, exp(name), "logs", "steps.bin"),
    experimentSubdir: (name: string, sub: keyof typeof RVC_SUBDIRS) =>
      within(cfg.experimentsDir, exp(name), RVC_SUBDIRS[sub]),
    featureDir: (name: string, version: RvcVersion) =>
      within(cfg.experimentsDir, exp(name), featureDirName(version)),
    /** RVC's shared "mute" training entries (our own, generated): not under experiments/, so no name clashes */
    muteDir: () => within(cfg.dataRoot, "mute"),
    /** staging area of model imports (one folder per import) */
    importDir: (id: string) => within(cfg.dataRoot, "imports", assertSafeSegment(id, "import id")),
    /** files of a multipart request body while it streams in (one folder per request, removed on failure) */
    requestStaging: (id: string) => within(cfg.dataRoot, "request-bodies", assertSafeSegment(id, "request id")),
    /** one conversion's input and output (history), by conversion id */
    conversionDir: (id: string) => within(cfg.dataRoot, "conversions", assertSafeSegment(id, "conversion id")),
    /** a cover's stems as mixed, beside its mix (output.wav): `DATA_ROOT/conversions/{id}/vocals.wav|accompaniment.wav` */
    conversionStem: (id: string, stem: "vocals" | "accompaniment") => within(cfg.dataRoot, "conversions", assertSafeSegment(id, "conversion id"), `${stem}.wav`),
    /** song covers' caches (worker/cover/cache.ts): `DATA_ROOT/cache/` */
    coverCacheRoot: () => within(cfg.dataRoot, "cache"),
    /** separated stems of one song with one separation model: `DATA_ROOT/cache/separate/{key}/` */
    separateCache: (key: string) => within(cfg.dataRoot, "cache", "separate", assertSafeSegment(key, "cache key")),
    /** converted vocals of one song, model and settings: `DATA_ROOT/cache/convert/{key}.wav` */
    convertCache: (key: string) => within(cfg.dataRoot, "cache", "convert", `${assertSafeSegment(key, "cache key")}.wav`),
    /** user-supplied pretrained G/D files for `pretrained: {g, d}` */
    customPretrained: (file: string) => within(cfg.dataRoot, "pretrained", assertSafeSegment(file, "file name")),
    modelDir: (name: string) => within(cfg.modelsRoot, assertSafeSegment(name, "model name")),
    modelFile: (name: string, file: string) =>
      within(cfg.modelsRoot, assertSafeSegment(name, "model name"), assertSafeSegment(file, "file name")),
    /** read-only assets; callers must never write here (see assertWritable) */
    asset: (...parts: string[]) => within(cfg.assetsRoot, ...parts),
    hubert: () => cfg.hubertPath,
    rmvpe: () => cfg.rmvpePath,
    pretrainedV2: (file: string) => within(cfg.assetsRoot, "pretrained_v2", assertSafeSegment(file, "file name")),
    /** Throws unless p is inside DATA_ROOT's writable trees and not inside ASSETS_ROOT. */
    assertWritable(p: string): string {
      if (isInside(cfg.assetsRoot, p)) throw new PathError(`Refusing to write ${p}: ASSETS_ROOT is read-only`);
      const roots = [cfg.dataRoot, cfg.uploadsDir, cfg.experimentsDir, cfg.modelsRoot];
      if (!roots.some((r) => isInside(r, p))) throw new PathError(`Refusing to write ${p}: outside DATA_ROOT`);
      return p;
    },
  };
}

export type Paths = ReturnType<typeof createPaths>;

let cached: Paths | undefined;
export function paths(): Paths {
  cached ??= createPaths(config());
  return cached;
}
