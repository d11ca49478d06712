// convert_hubert.py on a randomly initialised checkpoint with fairseq HuBERT's key layout (scripts/assets/hubert_fixture.py,
// smaller sizes, a config class that cannot be imported; the fixture runs the converter on it): the ONNX model, run in onnxruntime-node with the [1, 1, N]
// input, matches an independent functional forward (torch's own attention and weight norm), for v2 (last layer) and
// v1 (an inner layer + final_proj).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disposeSessions, getSession } from "../../worker/onnx/session";

const PY = "/usr/bin/python3";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubert-convert-"));

function prepare(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(PY, [path.join(import.meta.dirname, "hubert_fixture.py"), dir], { encoding: "utf8", timeout: 120_000 });
  if (r.error) return { ok: false, reason: `${PY} cannot run` };
  const missing = /No module named '([^']+)'/.exec(r.stderr ?? "");
  if (missing) return { ok: false, reason: `${PY} lacks ${missing[1]}` };
  if (r.status !== 0) throw new Error(r.stderr);
  return { ok: true };
}
const ready = prepare();
const readF32 = (f: string) => {
  const b = fs.readFileSync(f);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice();
};

afterAll(async () => {
  await disposeSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!ready.ok)(`convert_hubert.py${ready.ok ? "" : ` (skipped: ${ready.reason})`}`, () => {
  const refs = ready.ok ? (JSON.parse(fs.readFileSync(path.join(dir, "ref.json"), "utf8")) as Record<string, { layer: number; proj: boolean; frames: number; dim: number }>) : {};
  for (const [name, ref] of Object.entries(refs)) {
    it(`layer ${ref.layer}${ref.proj ? " + final_proj" : ""}: ONNX [1,1,N] → [1,T,${ref.dim}] equals the reference`, async () => {
      const out = path.join(dir, `${name}.onnx`); // written by convert_hubert.main, run from the fixture script
      const info = JSON.parse(fs.readFileSync(`${out}.json`, "utf8")) as { normalize: boolean; heads: number; dim: number };
      expect(info).toMatchObject({ normalize: false, heads: 4, dim: ref.dim }); // heads read through the stand-in config class

      const audio = readF32(path.join(dir, "audio.f32"));
      const s = await getSession(out);
      const [y] = await s.run([s.float32(audio, [1, 1, audio.length])]);
      expect(y!.dims).toEqual([1, Math.floor((audio.length - 400) / 320) + 1, ref.dim]);
      expect(y!.dims[1]).toBe(ref.frames);
      const want = readF32(path.join(dir, name));
      const got = y!.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst).toBeLessThan(1e-4);
    }, 60_000);
  }
});
