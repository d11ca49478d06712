import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { noise, tone } from "../dsp/test-signals";
import { fftPlan, twoRealMagnitudes } from "./fft";
import { hzToMelHtk, logMel, logMelInto, melFilterBank, reflectIndex, RMVPE_MEL, stftFrameCount } from "./mel";

/** A test signal: a 220 Hz tone with harmonics, gliding amplitude, noise, and a silent stretch. */
function testSignal(n: number): Float32Array {
  const a = tone(220, 16000, n / 16000, 0.3);
  const b = tone(1375, 16000, n / 16000, 0.05, 0.3);
  const z = noise(n, 0.01, 7);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = i > n * 0.6 && i < n * 0.75 ? 0 : (a[i]! + b[i]!) * (0.2 + (0.8 * i) / n) + z[i]!;
  return y;
}

describe("fft", () => {
  it("matches a direct DFT for two real frames at once", () => {
    const n = 64;
    const a = noise(n, 1, 3);
    const b = noise(n, 1, 9);
    const re = Float64Array.from(a);
    const im = Float64Array.from(b);
    const magA = new Float64Array(n / 2 + 1);
    const magB = new Float64Array(n / 2 + 1);
    twoRealMagnitudes(fftPlan(n), re, im, magA, magB);
    for (const [x, mag] of [[a, magA], [b, magB]] as const) {
      for (let k = 0; k <= n / 2; k++) {
        let sr = 0, si = 0;
        for (let t = 0; t < n; t++) {
          sr += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
          si -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
        }
        expect(mag[k]).toBeCloseTo(Math.hypot(sr, si), 9);
      }
    }
  });

  it("rejects sizes that are not powers of two", () => {
    expect(() => fftPlan(1000)).toThrow(/power of two/);
  });
});

describe("mel filter bank (librosa htk=True, norm=slaney)", () => {
  const bank = melFilterBank();

  it("has 128 filters over 513 bins with edges from 30 Hz to 8000 Hz evenly spaced in HTK mel", () => {
    expect(bank.nMels).toBe(128);
    expect(bank.nBins).toBe(513);
    expect(bank.edgesHz[0]).toBeCloseTo(30, 9);
    expect(bank.edgesHz[129]).toBeCloseTo(8000, 6);
    const step = (hzToMelHtk(8000) - hzToMelHtk(30)) / 129;
    for (let i = 1; i < 130; i++) expect(hzToMelHtk(bank.edgesHz[i]!) - hzToMelHtk(bank.edgesHz[i - 1]!)).toBeCloseTo(step, 9);
  });

  it("peaks at 2/(width in Hz) when a bin sits on the centre, and each wide filter has unit area in Hz", () => {
    const df = 16000 / 1024;
    for (let m = 60; m < 128; m++) {
      let area = 0;
      for (let k = 0; k < bank.nBins; k++) area += bank.weights[m * bank.nBins + k]! * df;
      expect(area).toBeGreaterThan(0.98);
      expect(area).toBeLessThan(1.02);
    }
    // analytic value at one bin of filter 100: triangle between its edges, scaled by 2/(hi − lo)
    const [lo, mid, hi] = [bank.edgesHz[100]!, bank.edgesHz[101]!, bank.edgesHz[102]!];
    const k = Math.round(mid / df);
    const f = k * df;
    const expected = Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid)) * (2 / (hi - lo));
    expect(bank.weights[100 * bank.nBins + k]).toBeCloseTo(Math.fround(expected), 12);
  });

  it("the lowest filters are narrower than one bin and may be empty or single-bin, like librosa's", () => {
    const r = bank.ranges[0]!;
    expect(r.end - r.start).toBeLessThanOrEqual(2);
  });
});

describe("log-mel frames", () => {
  it("T = N//160 + 1 and reflect indexing matches numpy's reflect", () => {
    expect(stftFrameCount(48000)).toBe(301);
    expect(stftFrameCount(159)).toBe(1);
    expect(stftFrameCount(160)).toBe(2);
    // numpy.pad(arange(4), 6, mode="reflect") = [0 1 2 3 2 1 0 1 2 3 2 1 0 1 2 3]
    const got = Array.from({ length: 16 }, (_, i) => reflectIndex(i - 6, 4));
    expect(got).toEqual([0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3]);
  });

  it("a frame range computed alone equals the same columns of the whole signal", () => {
    const x = testSignal(16000);
    const whole = logMel(x);
    const start = 37, count = 41;
    const part = new Float32Array(128 * count);
    logMelInto(x, start, count, { out: part, stride: count });
    for (let m = 0; m < 128; m++) {
      for (let f = 0; f < count; f++) expect(part[m * count + f]).toBe(whole.data[m * whole.frames + start + f]);
    }
  });

  it("digital silence gives ln(1e-5) everywhere", () => {
    const { data } = logMel(new Float32Array(3200));
    for (const v of data) expect(v).toBeCloseTo(Math.log(1e-5), 5);
  });

  it("a 1 kHz tone peaks in the filter whose centre is nearest 1 kHz", () => {
    const { data, frames } = logMel(tone(1000, 16000, 0.5, 0.5));
    const bank = melFilterBank();
    const t = Math.floor(frames / 2);
    let best = 0;
    for (let m = 1; m < 128; m++) if (data[m * frames + t]! > data[best * frames + t]!) best = m;
    expect(Math.abs(bank.edgesHz[best + 1]! - 1000)).toBeLessThan(40);
  });
});

// Reference: the same front end with torch.stft (as upstream computes it) and a numpy mel basis written from
// librosa's documented definition, float32 like upstream. One Python run for all signals (torch imports slowly).
const REFERENCE = String.raw`
import sys, numpy as np, torch
sr, n_fft, hop, n_mels, fmin, fmax = 16000, 1024, 160, 128, 30.0, 8000.0
freqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
hz2mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)
mel2hz = lambda m: 700.0 * (10.0 ** (m / 2595.0) - 1.0)
edges = mel2hz(np.linspace(hz2mel(fmin), hz2mel(fmax), n_mels + 2))
fd = np.diff(edges)
ramps = edges[:, None] - freqs[None, :]
W = np.zeros((n_mels, freqs.size))
for i in range(n_mels):
    W[i] = np.maximum(0, np.minimum(-ramps[i] / fd[i], ramps[i + 2] / fd[i + 1]))
W *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
W = torch.from_numpy(W.astype(np.float32))
for inp, outp in zip(sys.argv[1::2], sys.argv[2::2]):
    x = np.fromfile(inp, dtype="<f4")
    if x.size > n_fft // 2:
        spec = torch.stft(torch.from_numpy(x.copy()), n_fft, hop_length=hop, win_length=n_fft,
                          window=torch.hann_window(n_fft), center=True, return_complex=True)
        mag = spec.abs()
    else:  # torch refuses reflect padding wider than the signal; numpy folds it, as our code does
        p = np.pad(x.astype(np.float64), n_fft // 2, mode="reflect")
        nfr = x.size // hop + 1
        frames = np.stack([p[t * hop:t * hop + n_fft] for t in range(nfr)], 1) * torch.hann_window(n_fft).double().numpy()[:, None]
        mag = torch.from_numpy(np.abs(np.fft.rfft(frames, axis=0)).astype(np.float32))
    out = torch.log(torch.clamp(torch.matmul(W, mag), min=1e-5))
    out.numpy().astype("<f4").tofile(outp)
`;

const REF_LENGTHS = [16000 + 77, 300];

/** Reference log-mels for REF_LENGTHS, or the reason they cannot be computed here. */
function references(): { ok: true; data: Float32Array[] } | { ok: false; reason: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mel-ref-"));
  try {
    const args: string[] = [];
    REF_LENGTHS.forEach((n, i) => {
      const x = testSignal(n);
      const inp = path.join(dir, `x${i}.f32`);
      fs.writeFileSync(inp, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
      args.push(inp, path.join(dir, `y${i}.f32`));
    });
    const r = spawnSync("/usr/bin/python3", ["-c", REFERENCE, ...args], { encoding: "utf8" });
    if (r.error) return { ok: false, reason: `/usr/bin/python3 not runnable: ${r.error.message}` };
    if (r.status !== 0) {
      const missing = /No module named '([^']+)'/.exec(r.stderr);
      if (missing) return { ok: false, reason: `/usr/bin/python3 lacks ${missing[1]}` };
      throw new Error(r.stderr);
    }
    return {
      ok: true,
      data: REF_LENGTHS.map((_, i) => {
        const b = fs.readFileSync(path.join(dir, `y${i}.f32`));
        return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice();
      }),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const REF = references();

describe.skipIf(!REF.ok)(`log-mel against torch.stft + numpy mel basis${REF.ok ? "" : ` (skipped: ${REF.reason})`}`, () => {
  REF_LENGTHS.forEach((n, i) => {
    it(`matches for N = ${n}`, () => {
      const ref = (REF as { data: Float32Array[] }).data[i]!;
      const ours = logMel(testSignal(n));
      expect(ours.data.length).toBe(ref.length);
      expect(ours.frames).toBe(Math.floor(n / 160) + 1);
      let worst = 0;
      for (let j = 0; j < ref.length; j++) {
        // float32 STFT rounding is relative to the frame's energy; in the log domain only tiny mel values move
        const tol = ref[j]! > -9 ? 1e-4 : 2e-3;
        worst = Math.max(worst, Math.abs(ours.data[j]! - ref[j]!) / tol);
      }
      expect(worst).toBeLessThan(1);
    });
  });
});

describe("RMVPE_MEL", () => {
  it("holds the documented constants", () => {
    expect(RMVPE_MEL).toEqual({ sampleRate: 16000, nFft: 1024, winLength: 1024, hop: 160, nMels: 128, fmin: 30, fmax: 8000, clamp: 1e-5 });
  });
});
