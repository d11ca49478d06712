// Tiny ONNX stand-ins for the content (ContentVec/HuBERT) and RMVPE models, made once by
// scripts/make-tiny-models.py with /usr/bin/python3 (torch + onnx) and cached in the temp dir, keyed by the
// script's hash. Tests that need them skip with the reason when that Python cannot make them.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TinyModels {
  ok: true;
  dir: string;
  content768: string;
  content256: string;
  rmvpe: string;
}

export type TinyModelsResult = TinyModels | { ok: false; reason: string };

const SCRIPT = path.resolve(import.meta.dirname, "../../scripts/make-tiny-models.py");
const PYTHON = process.env.TINY_MODELS_PYTHON ?? "/usr/bin/python3";
const FILES = ["content-768.onnx", "content-256.onnx", "rmvpe.onnx", "manifest.json"];

let cached: TinyModelsResult | undefined;

function result(dir: string): TinyModels {
  return {
    ok: true,
    dir,
    content768: path.join(dir, "content-768.onnx"),
    content256: path.join(dir, "content-256.onnx"),
    rmvpe: path.join(dir, "rmvpe.onnx"),
  };
}

/** The tiny models (made on first use), or why they cannot be made here. Synchronous, for use at collection time. */
export function tinyModels(): TinyModelsResult {
  if (cached) return cached;
  const key = createHash("sha256").update(fs.readFileSync(SCRIPT)).digest("hex").slice(0, 16);
  const root = path.join(os.tmpdir(), "voice-studio-tiny-models");
  const dir = path.join(root, key);
  if (FILES.every((f) => fs.existsSync(path.join(dir, f)))) return (cached = result(dir));

  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, `${key}.tmp-`));
  try {
    const r = spawnSync(PYTHON, [SCRIPT, tmp], { encoding: "utf8", timeout: 120_000 });
    if (r.error) return (cached = { ok: false, reason: `${PYTHON} cannot run: ${r.error.message}` });
    if (r.status !== 0) {
      const missing = /No module named '([^']+)'/.exec(r.stderr);
      if (missing) return (cached = { ok: false, reason: `${PYTHON} lacks the ${missing[1]} module (apt-get install python3-torch python3-onnx)` });
      throw new Error(`make-tiny-models.py failed:\n${r.stderr}`);
    }
    try {
      fs.renameSync(tmp, dir); // atomic; a parallel test process may have won the race, which is fine
    } catch {
      if (!FILES.every((f) => fs.existsSync(path.join(dir, f)))) throw new Error(`cannot place tiny models in ${dir}`);
    }
    return (cached = result(dir));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Suffix for a describe title: empty when the models exist, else " (skipped: reason)". */
export function skipNote(r: TinyModelsResult): string {
  return r.ok ? "" : ` (skipped: ${r.reason})`;
}
