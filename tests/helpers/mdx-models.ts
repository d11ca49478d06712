// MDX-Net-shaped ONNX stand-ins (identity, band-zeroing), made by scripts/make-mdx-models.py with /usr/bin/python3
// (python3-onnx, which scripts/setup-system.sh installs) into a fresh temp dir per test process.
// Tests that need them skip with the reason only where that Python lacks the onnx module.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface MdxModels {
  ok: true;
  dir: string;
  identity: string;
  band: string;
  /** the stand-ins' parameters (the models are not in the hash table: pass these as overrides) */
  params: { nFft: number; dimF: number; dimT: number };
  band_: [number, number];
}

export type MdxModelsResult = MdxModels | { ok: false; reason: string };

const SCRIPT = path.resolve(import.meta.dirname, "../../scripts/make-mdx-models.py");
const PYTHON = process.env.TINY_MODELS_PYTHON ?? "/usr/bin/python3";
let cached: MdxModelsResult | undefined;

export function mdxModels(): MdxModelsResult {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "voice-studio-mdx-"));
  const r = spawnSync(PYTHON, [SCRIPT, dir], { encoding: "utf8", timeout: 60_000 });
  if (r.error) return (cached = { ok: false, reason: `${PYTHON} cannot run: ${r.error.message}` });
  if (r.status !== 0) {
    const missing = /No module named '([^']+)'/.exec(r.stderr);
    if (missing) return (cached = { ok: false, reason: `${PYTHON} lacks the ${missing[1]} module (apt-get install python3-onnx)` });
    throw new Error(`make-mdx-models.py failed:\n${r.stderr}`);
  }
  const m = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { nFft: number; dimF: number; dimT: number; band: [number, number] };
  return (cached = {
    ok: true,
    dir,
    identity: path.join(dir, "mdx-identity.onnx"),
    band: path.join(dir, "mdx-band.onnx"),
    params: { nFft: m.nFft, dimF: m.dimF, dimT: m.dimT },
    band_: m.band,
  });
}

export function mdxSkipNote(r: MdxModelsResult): string {
  return r.ok ? "" : ` (skipped: ${r.reason})`;
}

export interface InstalledSeparationModel {
  /** where SEPARATION_MODEL_PATH points */
  file: string;
  /** SEPARATION_MODEL_PATH/_PARAMS back as they were (call in afterAll) */
  restore(): void;
  /** run `fn` with the model file moved away (the "missing model" paths), then put it back */
  withoutModel<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * Copy the band stand-in to `dir`/model/ and point SEPARATION_MODEL_PATH (+ its params) at it. Call at a test file's
 * top level, before anything reads the configuration in that file's module graph (lib/config.ts caches it).
 * Without the stand-ins (`models.ok` false) nothing is set; the file's tests skip.
 */
export function installBandModel(models: MdxModelsResult, dir: string): InstalledSeparationModel {
  const file = path.join(dir, "model", "mdx-band.onnx");
  const saved = { path: process.env.SEPARATION_MODEL_PATH, params: process.env.SEPARATION_MODEL_PARAMS };
  if (models.ok) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(models.band, file);
    process.env.SEPARATION_MODEL_PATH = file;
    process.env.SEPARATION_MODEL_PARAMS = JSON.stringify(models.params);
  }
  return {
    file,
    restore() {
      for (const [k, v] of [["SEPARATION_MODEL_PATH", saved.path], ["SEPARATION_MODEL_PARAMS", saved.params]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
    async withoutModel<T>(fn: () => Promise<T>): Promise<T> {
      const away = `${file}.away`;
      fs.renameSync(file, away);
      try {
        return await fn();
      } finally {
        fs.renameSync(away, file);
      }
    },
  };
}
