import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { anyFft } from "./fft";
import { createFrontEnd, hann } from "./stft";
import { arraySource, chunkPlan, separateStereo, type Stereo } from "./engine";
import { testSignal } from "./test-signal";
import { KNOWN_MDX_MODELS, resolveParams, uvrModelHash, UVR_HASH_TAIL_BYTES, type MdxParams } from "./params";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const or = new Float64Array(n), oi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((k * j) % n)) / n;
      sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
      si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
    }
    or[k] = sr;
    oi[k] = si;
  }
  return [or, oi];
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe("anyFft", { timeout: 30_000 }, () => {
  // 12, 40, 6144, 7680: one 2^k·odd step; 15, 7, 1000 (2^3·125): Bluestein; 64: radix-2
  for (const n of [7, 12, 15, 40, 64, 1000, 6144, 7680]) {
    it(`matches a direct DFT and inverts, n=${n}`, () => {
      const r = rng(n);
      const re = Float64Array.from({ length: n }, r), im = Float64Array.from({ length: n }, r);
      const [er, ei] = n <= 1000 ? naiveDft(re, im) : [null, null];
      const xr = re.slice(), xi = im.slice();
      anyFft(n).forward(xr, xi);
      if (er && ei) {
        expect(maxAbs(xr, er)).toBeLessThan(1e-9);
        expect(maxAbs(xi, ei)).toBeLessThan(1e-9);
      } else {
        // spot-check a few bins of the long one against the direct sum
        for (const k of [0, 1, 17, 3071, 5000, n - 1]) {
          let sr = 0, si = 0;
          for (let j = 0; j < n; j++) {
            const a = (-2 * Math.PI * ((k * j) % n)) / n;
            sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
            si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
          }
          expect(Math.abs(xr[k]! - sr)).toBeLessThan(1e-8);
          expect(Math.abs(xi[k]! - si)).toBeLessThan(1e-8);
        }
      }
      anyFft(n).inverse(xr, xi);
      expect(maxAbs(xr, re)).toBeLessThan(1e-12);
      expect(maxAbs(xi, im)).toBeLessThan(1e-12);
    });
  }
});

describe("MDX front end", { timeout: 30_000 }, () => {
  it("lays out [L.re, L.im, R.re, R.im] × dim_f × frames as torch.stft(center=True, reflect, hann) does", () => {
    const nFft = 60, hop = 15, dimF = 20, frames = 6;
    const fe = createFrontEnd({ nFft, hop, dimF });
    const len = hop * (frames - 1);
    const r = rng(7);
    const L = Float32Array.from({ length: len }, r), R = Float32Array.from({ length: len }, r);
    const spec = new Float32Array(4 * dimF * frames);
    fe.forward(L, R, frames, spec);
    const w = hann(nFft);
    const reflectIdx = (i: number) => (i < 0 ? -i : i >= len ? 2 * (len - 1) - i : i);
    for (const [t, k] of [[0, 0], [0, 3], [2, 7], [5, 19]] as const) {
      const sums = [0, 0, 0, 0];
      for (let n = 0; n < nFft; n++) {
        const i = reflectIdx(t * hop - nFft / 2 + n);
        const a = (-2 * Math.PI * k * n) / nFft;
        sums[0]! += L[i]! * w[n]! * Math.cos(a);
        sums[1]! += L[i]! * w[n]! * Math.sin(a);
        sums[2]! += R[i]! * w[n]! * Math.cos(a);
        sums[3]! += R[i]! * w[n]! * Math.sin(a);
      }
      for (let c = 0; c < 4; c++) expect(spec[c * dimF * frames + k * frames + t]).toBeCloseTo(sums[c]!, 4);
    }
  });

  for (const nFft of [7680, 6144, 2048]) {
    it(`inverse(forward(x)) = x with every bin kept, n_fft ${nFft}`, () => {
      const hop = 1024, frames = 12, dimF = nFft / 2 + 1;
      const fe = createFrontEnd({ nFft, hop, dimF });
      const len = hop * (frames - 1);
      const r = rng(nFft);
      const L = Float32Array.from({ length: len }, r), R = Float32Array.from({ length: len }, r);
      const spec = new Float32Array(4 * dimF * frames);
      fe.forward(L, R, frames, spec);
      const oL = new Float32Array(len), oR = new Float32Array(len);
      fe.inverse(spec, frames, oL, oR);
      expect(maxAbs(oL, L)).toBeLessThan(1e-5);
      expect(maxAbs(oR, R)).toBeLessThan(1e-5);
    });
  }
});

const small: MdxParams = { nFft: 2048, hop: 1024, dimF: 512, dimT: 32, compensate: 1, primaryStem: "vocals", zeroLowBins: 3 };

async function collect(length: number, p: MdxParams, model: (x: Float32Array) => Promise<Float32Array>, sig: Stereo) {
  const v = { left: new Float32Array(length), right: new Float32Array(length) };
  const a = { left: new Float32Array(length), right: new Float32Array(length) };
  let at = 0;
  let calls = 0;
  await separateStereo(arraySource(sig.left, sig.right), p, async (x) => (calls++, model(x)), async (vv, aa) => {
    v.left.set(vv.left, at);
    v.right.set(vv.right, at);
    a.left.set(aa.left, at);
    a.right.set(aa.right, at);
    at += vv.left.length;
  });
  expect(at).toBe(length);
  return { v, a, calls };
}

/** The same transform on the whole (zero-padded) song as ONE block: the no-chunking reference. */
function wholeSignal(p: MdxParams, sig: Stereo, perFrame: (spec: Float32Array, frames: number) => void): Stereo {
  const pad = 2 * p.nFft;
  const frames = Math.ceil((sig.left.length + 2 * pad) / p.hop) + 1;
  const len = p.hop * (frames - 1);
  const L = new Float32Array(len), R = new Float32Array(len);
  L.set(sig.left, pad);
  R.set(sig.right, pad);
  const fe = createFrontEnd(p);
  const spec = new Float32Array(4 * p.dimF * frames);
  fe.forward(L, R, frames, spec);
  const plane = p.dimF * frames;
  for (let c = 0; c < 4; c++) spec.fill(0, c * plane, c * plane + p.zeroLowBins * frames);
  perFrame(spec, frames);
  const oL = new Float32Array(len), oR = new Float32Array(len);
  fe.inverse(spec, frames, oL, oR);
  const n = sig.left.length;
  return { left: oL.slice(pad, pad + n), right: oR.slice(pad, pad + n) };
}

describe("chunked separation", { timeout: 30_000 }, () => {
  it("plans blocks of hop·(dim_t−1) with hop-aligned margins ≥ n_fft", () => {
    const p = chunkPlan(180 * 44100, { nFft: 7680, hop: 1024, dimT: 256 });
    expect(p).toEqual({ block: 261120, margin: 8192, step: 244736, chunks: Math.ceil((180 * 44100) / 244736) });
    expect(() => chunkPlan(1000, { nFft: 7680, hop: 1024, dimT: 16 })).toThrow(/too small/);
  });

  it("an identity model reconstructs the input, and chunked equals the whole song at once (no seams)", async () => {
    const n = 150_000; // ~5.4 chunks of 27 648
    const sig = testSignal(n);
    const { v, a, calls } = await collect(n, small, async (x) => x.slice(), sig);
    expect(calls).toBe(Math.ceil(n / chunkPlan(n, small).step));
    expect(maxAbs(v.left, sig.left)).toBeLessThan(1e-4);
    expect(maxAbs(v.right, sig.right)).toBeLessThan(1e-4);
    const whole = wholeSignal(small, sig, () => {});
    expect(maxAbs(v.left, whole.left)).toBeLessThan(1e-5);
    expect(maxAbs(v.right, whole.right)).toBeLessThan(1e-5);
    expect(maxAbs(a.left, new Float32Array(n))).toBeLessThan(1e-4);
  });

  it("a band-zeroing model: vocals + accompaniment = mix, the band is in the accompaniment only", async () => {
    const n = 100_000;
    const sig = testSignal(n);
    // zero bins 60…80 (1.29–1.72 kHz at n_fft 2048): takes the right channel's 1.5 kHz tone out of the "vocals"
    const band = (spec: Float32Array, frames: number) => {
      for (let c = 0; c < 4; c++) spec.fill(0, (c * small.dimF + 60) * frames, (c * small.dimF + 80) * frames);
    };
    const { v, a } = await collect(n, { ...small, compensate: 1.25 }, async (x) => (band(x, small.dimT), x), sig);
    expect(maxAbs(v.left.map((x, i) => x + a.left[i]!), sig.left)).toBeLessThan(1e-6);
    expect(maxAbs(v.right.map((x, i) => x + a.right[i]!), sig.right)).toBeLessThan(1e-6);
    const whole = wholeSignal(small, sig, band);
    expect(maxAbs(v.right, whole.right.map((x) => x * 1.25))).toBeLessThan(1e-5);
    // right: vocals = 1.25 × the 6 kHz tone, accompaniment = the 1.5 kHz tone − 0.25 × the 6 kHz tone
    const mid = 50_000, t = (i: number) => i / 44100;
    for (let i = mid; i < mid + 200; i++) {
      const tone15 = 0.25 * Math.sin(2 * Math.PI * 1500 * t(i));
      const tone6 = 0.2 * Math.sin(2 * Math.PI * 6000 * t(i) + 2);
      expect(v.right[i]).toBeCloseTo(1.25 * tone6, 3);
      expect(a.right[i]).toBeCloseTo(tone15 - 0.25 * tone6, 3);
    }
  });

  it("an instrumental model's output is subtracted: vocals = mix − output", async () => {
    const n = 40_000;
    const sig = testSignal(n);
    const { v } = await collect(n, { ...small, primaryStem: "instrumental" }, async (x) => x.slice(), sig);
    expect(maxAbs(v.left, new Float32Array(n))).toBeLessThan(1e-4);
  });

  it("stops between chunks when cancelled", async () => {
    const ac = new AbortController();
    const sig = testSignal(100_000);
    let calls = 0;
    const run = separateStereo(arraySource(sig.left, sig.right), small, async (x) => x, async () => {}, {
      signal: ac.signal,
      onChunk: (done) => {
        calls = done;
        if (done === 2) ac.abort(new Error("cancelled"));
      },
    });
    await expect(run).rejects.toThrow("cancelled");
    expect(calls).toBe(2);
  });

  it("refuses a model output of the wrong size", async () => {
    const sig = testSignal(40_000);
    await expect(collect(40_000, small, async (x) => x.subarray(1), sig)).rejects.toThrow(/expected/);
  });
});

describe("model parameters", { timeout: 30_000 }, () => {
  it("UVR's hash: md5 of the last 10 000 KiB, or of the whole file when smaller", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mdx-hash-"));
    try {
      const small = path.join(dir, "s.onnx"), big = path.join(dir, "b.onnx");
      const a = crypto.randomBytes(1000), b = crypto.randomBytes(UVR_HASH_TAIL_BYTES + 12345);
      await fs.writeFile(small, a);
      await fs.writeFile(big, b);
      expect(await uvrModelHash(small)).toBe(crypto.createHash("md5").update(a).digest("hex"));
      expect(await uvrModelHash(big)).toBe(crypto.createHash("md5").update(b.subarray(12345)).digest("hex"));
      await expect(resolveParams(small)).rejects.toThrow(/SEPARATION_MODEL_PARAMS.*missing: nFft, dimF, dimT/);
      const r = await resolveParams(small, { nFft: 2048, dimF: 512, dimT: 32 });
      expect(r.params).toMatchObject({ nFft: 2048, hop: 1024, compensate: 1, primaryStem: "vocals", zeroLowBins: 3 });
      await expect(resolveParams(small, { nFft: 2048, dimF: 5000, dimT: 32 })).rejects.toThrow(/dimF/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("knows Voc_FT and Kim_Vocal_2 with their published values", () => {
    expect(KNOWN_MDX_MODELS["77d07b2667ddf05b9e3175941b4454a0"]).toMatchObject({ name: "UVR-MDX-NET-Voc_FT", nFft: 7680, dimF: 3072, dimT: 256, compensate: 1.021 });
    expect(KNOWN_MDX_MODELS["970b3f9492014d18fefeedfe4773cb42"]).toMatchObject({ name: "Kim_Vocal_2", nFft: 7680, dimF: 3072, dimT: 256, compensate: 1.009 });
  });
});
