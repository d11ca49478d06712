/**
 * Where the ffmpeg binary is. Order: FFMPEG_PATH, then `ffmpeg` on PATH (a distribution's build, usually newer),
 * then the static build that the @ffmpeg-installer/<os>-<arch> npm package ships (so a fresh `npm ci` decodes
 * every accepted format with no system package). Also a small limiter so that many finishing uploads do not start
 * more decoders than the machine has cores.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { config } from "../config";

export class FfmpegMissingError extends Error {
  override name = "FfmpegMissingError";
}

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The binary inside @ffmpeg-installer/<platform>-<arch>, found without running that package's index.js. */
export function packagedFfmpeg(): string | undefined {
  const pkg = `@ffmpeg-installer/${os.platform()}-${os.arch()}`;
  const bin = os.platform() === "win32" ? "ffmpeg.exe" : "ffmpeg";
  const candidates: string[] = [path.join(/*turbopackIgnore: true*/ process.cwd(), "node_modules", pkg, bin)];
  try {
    const req = createRequire(path.join(/*turbopackIgnore: true*/ process.cwd(), "package.json"));
    candidates.unshift(path.join(path.dirname(req.resolve(`${pkg}/package.json`)), bin));
  } catch {
    // not resolvable from here: fall back to the plain node_modules path
  }
  for (const c of candidates) {
    if (executable(c)) return c;
    if (fs.existsSync(c)) {
      // npm 11 may skip the package's `chmod u+x` install script; the mode in the tarball is usually right already
      try {
        fs.chmodSync(c, 0o755);
        if (executable(c)) return c;
      } catch {
        // read-only install: report it below
      }
    }
  }
  return undefined;
}

let cached: { path: string; source: "FFMPEG_PATH" | "system" | "package" } | undefined;

export function ffmpegBinary(): { path: string; source: "FFMPEG_PATH" | "system" | "package" } {
  if (cached) return cached;
  const configured = config().ffmpegPath;
  if (configured) {
    const p = configured.includes("/") ? configured : onPath(configured);
    if (!p || !executable(p)) throw new FfmpegMissingError(`FFMPEG_PATH=${configured} is not an executable file`);
    return (cached = { path: p, source: "FFMPEG_PATH" });
  }
  const system = onPath("ffmpeg");
  if (system) return (cached = { path: system, source: "system" });
  const pkg = packagedFfmpeg();
  if (pkg) return (cached = { path: pkg, source: "package" });
  throw new FfmpegMissingError(
    "No ffmpeg found: install ffmpeg, set FFMPEG_PATH, or run `npm ci` so that @ffmpeg-installer ships its binary",
  );
}

/** At most `n` tasks at once; the rest wait in order. */
export function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Shared by probing and decoding: one decoder per core, at most 4. */
export const decodeSlot = limiter(Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length)));
