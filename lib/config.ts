/**
 * The one place that reads process.env. Every variable is validated once; a bad value
 * throws a ConfigError whose message is one line naming the variable and what it expects.
 */
import path from "node:path";

export class ConfigError extends Error {
  constructor(variable: string, expected: string, got: string | undefined) {
    super(`Invalid configuration: ${variable} must be ${expected} (got ${JSON.stringify(got)})`);
    this.name = "ConfigError";
  }
}

export interface Config {
  /** unset → the launcher starts embedded Postgres and sets it for its children */
  databaseUrl: string | undefined;
  dataRoot: string;
  uploadsDir: string;
  experimentsDir: string;
  modelsRoot: string;
  assetsRoot: string;
  hubertPath: string;
  rmvpePath: string;
  /** MDX-Net vocal separation model (ONNX) */
  separationModelPath: string;
  /** explicit MDX-Net parameters for the separation model (over the table of known models by hash) */
  separationModelParams: SeparationModelParams;
  python: string;
  /** PYTHON was set (otherwise lib/python.ts picks an interpreter with torch by itself) */
  pythonSet: boolean;
  studioPassword: string | undefined;
  host: string;
  port: number;
  /** port for embedded Postgres; 0 = pick a free one at start */
  embeddedPgPort: number;
  heartbeatSeconds: number;
  /** a worker whose last heartbeat is older than this is shown as gone */
  workerStaleSeconds: number;
  /** largest single upload (one file or one .zip), bytes */
  maxUploadBytes: number;
  /** most bytes of finished uploads one experiment may hold */
  experimentQuotaBytes: number;
  /** an unfinished upload older than this (from its creation) is deleted */
  uploadExpiryHours: number;
  /** most uploads in progress (created, not yet processed) per experiment */
  maxUnfinishedUploads: number;
  /** most uploads in progress on the whole server */
  maxUnfinishedUploadsTotal: number;
  /** most entries a .zip may hold */
  zipMaxEntries: number;
  /** largest audio file sent to POST /api/conversions, bytes */
  maxConversionBytes: number;
  /** longest conversion input, seconds */
  maxConversionSeconds: number;
  /** COVER_CACHE_MAX_BYTES: song covers' caches of separated stems and converted vocals (DATA_ROOT/cache/); least recently used entries are removed after a cover beyond this */
  coverCacheMaxBytes: number;
  /** most clips one batch conversion (POST /api/conversions/batch) may hold */
  maxBatchClips: number;
  /** largest batch request: all files sent together, or what its .zip unpacks to, bytes */
  maxBatchBytes: number;
  /** most bytes a .zip may unpack to */
  zipMaxUnpackedBytes: number;
  /** below this much free space on a data disk, /api/health says "degraded" */
  minFreeBytes: number;
  /** most Python helper processes (`python -m trainer inspect` …) one process runs at once */
  maxPythonHelpers: number;
  /** explicit ffmpeg binary; unset → `ffmpeg` on PATH, else the one @ffmpeg-installer ships */
  ffmpegPath: string | undefined;
  /** Host header values (lower case, without port) the web server answers; anything else is refused (DNS rebinding) */
  allowedHosts: string[];
  /** trust X-Forwarded-Proto/-For from a reverse proxy (Secure cookies, client address for the login limit) */
  trustProxy: boolean;
  /** WORKER_JOBS: the job kinds a worker takes, comma-separated (lib/placement.ts parses it); unset = all it can run */
  workerJobs: string | undefined;
  /** WORKER_GPUS: the GPU device ids a worker uses, one job per device (worker/slots.ts parses it); unset = all found */
  workerGpus: string | undefined;
  /** START_WORKER=0: the launcher runs the web only (workers run as `npm run worker`, e.g. their own containers) */
  startWorker: boolean;
  /** a session ends this long after login, whatever happens */
  sessionMaxDays: number;
  /** a session unused for this long ends */
  sessionIdleHours: number;
  /** one webhook delivery attempt gives up after this long, seconds */
  webhookTimeoutSeconds: number;
  /** first retry delay of a failed webhook delivery, seconds (then doubling, with jitter) */
  webhookRetryDelaySeconds: number;
  /** retries after the first attempt of a webhook delivery */
  webhookRetryLimit: number;
}

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function dir(env: Env, name: string, fallback: string, cwd: string): string {
  const v = nonEmpty(env, name);
  if (v !== undefined && v.includes("\0")) throw new ConfigError(name, "a path", v);
  return path.resolve(cwd, v ?? fallback);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = nonEmpty(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ConfigError(name, `a whole number from ${min} to ${max}`, v);
  }
  return Number(v);
}

const SIZE_UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Parse a byte size: a whole number of bytes, or with a K/M/G/T suffix (binary units, `B`/`iB` optional). Pure. */
export function parseByteSize(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!;
  return Number.isFinite(n) ? Math.floor(n) : undefined;
}

function bytes(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = nonEmpty(env, name);
  if (v === undefined) return fallback;
  const n = parseByteSize(v);
  if (n === undefined || n < min || n > max) {
    throw new ConfigError(name, `a size from ${min} bytes to ${max / 1024 ** 4} TiB (bytes, or with K, M, G, T)`, v);
  }
  return n;
}

function databaseUrl(env: Env): string | undefined {
  const v = nonEmpty(env, "DATABASE_URL");
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError("DATABASE_URL", "a postgres:// or postgresql:// URL", v);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError("DATABASE_URL", "a postgres:// or postgresql:// URL", v);
  }
  return v;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The default Host allowlist: loopback names, plus HOST when it names one address or host (not 0.0.0.0 / ::). Pure. */
export function defaultAllowedHosts(host: string): string[] {
  const hosts = ["localhost", "127.0.0.1", "[::1]"];
  const h = host.toLowerCase();
  if (h !== "0.0.0.0" && h !== "::" && h !== "[::]") {
    const entry = h.includes(":") && !h.startsWith("[") ? `[${h}]` : h;
    if (!hosts.includes(entry)) hosts.push(entry);
  }
  return hosts;
}

function allowedHosts(env: Env, host: string): string[] {
  const v = nonEmpty(env, "ALLOWED_HOSTS");
  if (v === undefined) return defaultAllowedHosts(host);
  const list = v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const h of list) {
    if (!/^([a-z0-9.-]+|\[[0-9a-f:.]+\])$/.test(h)) {
      throw new ConfigError("ALLOWED_HOSTS", "a comma-separated list of host names or addresses without ports (IPv6 in [ ])", v);
    }
  }
  if (list.length === 0) throw new ConfigError("ALLOWED_HOSTS", "a comma-separated list of host names", v);
  return list;
}

function bool(env: Env, name: string): boolean {
  const v = nonEmpty(env, name)?.toLowerCase();
  if (v === undefined || v === "0" || v === "false" || v === "no") return false;
  if (v === "1" || v === "true" || v === "yes") return true;
  throw new ConfigError(name, "1/true/yes or 0/false/no", v);
}

/** The separation model `npm run assets -- --separation` fetches by default (scripts/assets/manifest.ts). */
export const DEFAULT_SEPARATION_MODEL_FILE = "UVR-MDX-NET-Voc_FT.onnx";

/** MDX-Net parameters set by SEPARATION_MODEL_PARAMS (JSON); each optional, checked in full by worker/separate/params.ts. */
export interface SeparationModelParams {
  nFft?: number;
  hop?: number;
  dimF?: number;
  dimT?: number;
  compensate?: number;
  primaryStem?: "vocals" | "instrumental";
  zeroLowBins?: number;
}

const SEPARATION_PARAM_KEYS = ["nFft", "hop", "dimF", "dimT", "compensate", "primaryStem", "zeroLowBins"] as const;

function separationParams(env: Env): SeparationModelParams {
  const name = "SEPARATION_MODEL_PARAMS";
  const raw = nonEmpty(env, name);
  if (raw === undefined) return {};
  const expected = `a JSON object with some of ${SEPARATION_PARAM_KEYS.join(", ")} (numbers; primaryStem "vocals" or "instrumental")`;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, expected, raw);
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new ConfigError(name, expected, raw);
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (!(SEPARATION_PARAM_KEYS as readonly string[]).includes(k)) throw new ConfigError(name, expected, raw);
    if (k === "primaryStem" ? val !== "vocals" && val !== "instrumental" : typeof val !== "number" || !Number.isFinite(val)) {
      throw new ConfigError(name, expected, raw);
    }
    out[k] = val;
  }
  return out as SeparationModelParams;
}

/** Parse and validate a whole environment. Pure: no I/O, so tests can feed it anything. */
export function parseConfig(env: Env, cwd: string = process.cwd()): Config {
  const dataRoot = dir(env, "DATA_ROOT", "./data", cwd);
  const assetsRoot = dir(env, "ASSETS_ROOT", "./assets", cwd);
  const host = nonEmpty(env, "HOST") ?? "127.0.0.1";
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new ConfigError("HOST", "a host name or IP address", host);
  // STUDIO_PASSWORD only seeds the first admin (see README); beyond loopback without it, the first visitor creates the admin
  const studioPassword = nonEmpty(env, "STUDIO_PASSWORD");
  if (studioPassword !== undefined && studioPassword.length < 8) {
    throw new ConfigError("STUDIO_PASSWORD", "at least 8 characters long", "<hidden>");
  }
  const heartbeatSeconds = int(env, "WORKER_HEARTBEAT_SECONDS", 5, 1, 300);
  const TiB = 1024 ** 4;
  const maxUploadBytes = bytes(env, "MAX_UPLOAD_BYTES", 4 * 1024 ** 3, 1024, TiB);
  const experimentQuotaBytes = bytes(env, "EXPERIMENT_QUOTA_BYTES", 50 * 1024 ** 3, 1024, 64 * TiB);
  const ffmpegPath = nonEmpty(env, "FFMPEG_PATH");
  if (ffmpegPath !== undefined && ffmpegPath.includes("\0")) throw new ConfigError("FFMPEG_PATH", "a path", ffmpegPath);
  return {
    databaseUrl: databaseUrl(env),
    dataRoot,
    uploadsDir: dir(env, "UPLOADS_DIR", path.join(dataRoot, "uploads"), cwd),
    experimentsDir: dir(env, "EXPERIMENTS_DIR", path.join(dataRoot, "experiments"), cwd),
    modelsRoot: dir(env, "MODELS_ROOT", path.join(dataRoot, "models"), cwd),
    assetsRoot,
    hubertPath: dir(env, "HUBERT_PATH", path.join(assetsRoot, "hubert", "vec-768-layer-12.onnx"), cwd),
    rmvpePath: dir(env, "RMVPE_PATH", path.join(assetsRoot, "rmvpe", "rmvpe.onnx"), cwd),
    separationModelPath: dir(env, "SEPARATION_MODEL_PATH", path.join(assetsRoot, "separation", DEFAULT_SEPARATION_MODEL_FILE), cwd),
    separationModelParams: separationParams(env),
    python: nonEmpty(env, "PYTHON") ?? "python3",
    pythonSet: nonEmpty(env, "PYTHON") !== undefined,
    studioPassword,
    host,
    port: int(env, "PORT", 3000, 1, 65535),
    embeddedPgPort: int(env, "EMBEDDED_PG_PORT", 0, 0, 65535),
    heartbeatSeconds,
    workerStaleSeconds: int(env, "WORKER_STALE_SECONDS", Math.max(15, heartbeatSeconds * 3), 2, 3600),
    maxUploadBytes,
    experimentQuotaBytes,
    uploadExpiryHours: int(env, "UPLOAD_EXPIRY_HOURS", 48, 1, 24 * 365),
    maxUnfinishedUploads: int(env, "MAX_UNFINISHED_UPLOADS", 20, 1, 100_000),
    maxUnfinishedUploadsTotal: int(env, "MAX_UNFINISHED_UPLOADS_TOTAL", 200, 1, 1_000_000),
    zipMaxEntries: int(env, "ZIP_MAX_ENTRIES", 5000, 1, 1_000_000),
    zipMaxUnpackedBytes: bytes(env, "ZIP_MAX_UNPACKED_BYTES", 4 * maxUploadBytes, 1024, 64 * TiB),
    maxConversionBytes: bytes(env, "MAX_CONVERSION_BYTES", 256 * 1024 ** 2, 1024, TiB),
    coverCacheMaxBytes: bytes(env, "COVER_CACHE_MAX_BYTES", 20 * 1024 ** 3, 0, TiB),
    maxConversionSeconds: int(env, "MAX_CONVERSION_SECONDS", 1800, 1, 24 * 3600),
    maxBatchClips: int(env, "MAX_BATCH_CLIPS", 50, 1, 10_000),
    maxBatchBytes: bytes(env, "MAX_BATCH_BYTES", 2 * 1024 ** 3, 1024, 64 * TiB),
    minFreeBytes: bytes(env, "MIN_FREE_BYTES", 1024 ** 3, 0, 64 * TiB),
    maxPythonHelpers: int(env, "MAX_PYTHON_HELPERS", 2, 1, 64),
    // a bare name is looked up on PATH; anything with a slash is a path
    ffmpegPath: ffmpegPath === undefined || !ffmpegPath.includes("/") ? ffmpegPath : path.resolve(cwd, ffmpegPath),
    allowedHosts: allowedHosts(env, host),
    trustProxy: bool(env, "TRUST_PROXY"),
    workerJobs: nonEmpty(env, "WORKER_JOBS"),
    workerGpus: nonEmpty(env, "WORKER_GPUS"),
    startWorker: nonEmpty(env, "START_WORKER") === undefined ? true : bool(env, "START_WORKER"),
    sessionMaxDays: int(env, "SESSION_MAX_DAYS", 30, 1, 3650),
    sessionIdleHours: int(env, "SESSION_IDLE_HOURS", 72, 1, 24 * 3650),
    webhookTimeoutSeconds: int(env, "WEBHOOK_TIMEOUT_SECONDS", 10, 1, 120),
    webhookRetryDelaySeconds: int(env, "WEBHOOK_RETRY_DELAY_SECONDS", 30, 1, 3600),
    webhookRetryLimit: int(env, "WEBHOOK_RETRY_LIMIT", 6, 0, 20),
  };
}

let cached: Config | undefined;

/** The process-wide configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The database URL, which must be known by the time web or worker code touches the database. */
export function requireDatabaseUrl(): string {
  const url = config().databaseUrl;
  if (!url) {
    throw new ConfigError("DATABASE_URL", "set (the launcher `npm start` sets it for embedded Postgres)", undefined);
  }
  return url;
}
