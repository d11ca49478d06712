// The engine through onnxruntime with the MDX-shaped stand-ins of scripts/make-mdx-models.py (real signature:
// one float32 input "input" [batch, 4, dim_f, dim_t], one output of the same shape).
import { afterAll, describe, expect, it } from "vitest";
import { mdxModels, mdxSkipNote } from "../../tests/helpers/mdx-models";
import { disposeSessions } from "../onnx/session";
import { arraySource, separateStereo, type Stereo } from "./engine";
import { loadMdxModel, signatureProblem } from "./model";
import { resolveParams, type MdxParams } from "./params";
import { testSignal } from "./test-signal";

const models = mdxModels();
afterAll(() => disposeSessions());

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

async function run(file: string, p: MdxParams, sig: Stereo) {
  const { run } = await loadMdxModel(file, p);
  const n = sig.left.length;
  const v = { left: new Float32Array(n), right: new Float32Array(n) };
  const a = { left: new Float32Array(n), right: new Float32Array(n) };
  let at = 0;
  await separateStereo(arraySource(sig.left, sig.right), p, run, async (vv, aa) => {
    v.left.set(vv.left, at);
    v.right.set(vv.right, at);
    a.left.set(aa.left, at);
    a.right.set(aa.right, at);
    at += vv.left.length;
  });
  return { v, a };
}

describe.skipIf(!models.ok)(`MDX-shaped ONNX stand-ins${mdxSkipNote(models)}`, { timeout: 30_000 }, () => {
  const m = models as Extract<typeof models, { ok: true }>;

  it("identity model: front end + inverse reconstructs the input within 1e-4", async () => {
    const { params } = await resolveParams(m.identity, { ...m.params, compensate: 1 });
    const sig = testSignal(120_000);
    const { v, a } = await run(m.identity, params, sig);
    expect(maxAbs(v.left, sig.left)).toBeLessThan(1e-4);
    expect(maxAbs(v.right, sig.right)).toBeLessThan(1e-4);
    expect(maxAbs(a.left, new Float32Array(sig.left.length))).toBeLessThan(1e-4);
  });

  it("band model: vocals + accompaniment = mix, and the zeroed band is where expected", async () => {
    const { params } = await resolveParams(m.band, m.params);
    const sig = testSignal(90_000);
    const { v, a } = await run(m.band, params, sig);
    expect(maxAbs(v.left.map((x, i) => x + a.left[i]!), sig.left)).toBeLessThan(1e-6);
    expect(maxAbs(v.right.map((x, i) => x + a.right[i]!), sig.right)).toBeLessThan(1e-6);
    // bins 60…80 at n_fft 2048 / 44.1 kHz = 1.29…1.72 kHz: the right channel's 1.5 kHz tone is not in the vocals
    const [lo, hi] = m.band_.map((b) => (b * 44100) / m.params.nFft) as [number, number];
    expect(lo < 1500 && 1500 < hi).toBe(true);
    const t = (i: number) => i / 44100;
    let errV = 0, errA = 0;
    for (let i = 40_000; i < 41_000; i++) {
      const tone15 = 0.25 * Math.sin(2 * Math.PI * 1500 * t(i));
      const tone6 = 0.2 * Math.sin(2 * Math.PI * 6000 * t(i) + 2);
      errV = Math.max(errV, Math.abs(v.right[i]! - tone6));
      errA = Math.max(errA, Math.abs(a.right[i]! - tone15));
    }
    expect(errV).toBeLessThan(1e-3);
    expect(errA).toBeLessThan(1e-3);
  });

  it("refuses parameters that do not fit the model's declared input", async () => {
    const p: MdxParams = { nFft: 2048, hop: 1024, dimF: 256, dimT: 32, compensate: 1, primaryStem: "vocals", zeroLowBins: 3 };
    await expect(loadMdxModel(m.identity, p)).rejects.toThrow(/\[batch, 4, 512, 32\].*dim_f 256/);
    expect(signatureProblem({ inputs: [], outputs: [] }, p)).toMatch(/one input/);
  });
});
