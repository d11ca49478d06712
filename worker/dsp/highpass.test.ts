import { describe, expect, it } from "vitest";
import {
  butterworthHighpass,
  filtfilt,
  filtfiltInto,
  HighpassStream,
  lfilter,
  lfilterZi,
  rvcHighpass,
  rvcHighpassCoefficients,
  rvcHighpassZeroPhase,
} from "./highpass";

// Reference values from scipy 1.10.1: signal.butter(N=5, Wn=48, btype="high", fs=sr).
const SCIPY: Record<number, { b: number[]; a: number[] }> = {
  16000: {
    b: [0.9699606451838447, -4.849803225919223, 9.699606451838447, -9.699606451838447, 4.849803225919223, -0.9699606451838447],
    a: [1.0, -4.939001819168364, 9.757863526739543, -9.639544849413458, 4.761506797356209, -0.9408236532054606],
  },
  32000: {
    b: [0.9848660067285749, -4.924330033642875, 9.84866006728575, -9.84866006728575, 4.924330033642875, -0.9848660067285749],
    a: [1.0, -4.969500810783352, 9.878467826012754, -9.818394245627738, 4.879388281681066, -0.9699610512094896],
  },
  40000: {
    b: [0.9878743903588593, -4.939371951794296, 9.878743903588592, -9.878743903588592, 4.939371951794296, -0.9878743903588593],
    a: [1.0, -4.975600639140922, 9.902699956062799, -9.854493795461902, 4.903290289690988, -0.9758958111268883],
  },
  48000: {
    b: [0.9898850753910278, -4.949425376955139, 9.898850753910278, -9.898850753910278, 4.949425376955139, -0.9898850753910278],
    a: [1.0, -4.979667194990071, 9.918875338137543, -9.878621548779623, 4.919285868123746, -0.9798724624819006],
  },
};

// scipy.signal.lfilter_zi(b, a) for the 16 kHz design.
const SCIPY_ZI_16K = [-0.9699605304939276, 3.8798421289715876, -5.819763203738301, 3.879842142541546, -0.9699605372808581];

// Tolerances allow for the filter's sensitivity to last-bit coefficient differences (~1e-9 here).
// x[n] = 0.5·sin(2π·30n/16000) + 0.3·sin(2π·1000n/16000) + 0.2, n = 0..199, filtered at 16 kHz by
// scipy.signal.lfilter and scipy.signal.filtfilt (defaults); [index, value].
const SCIPY_LFILTER: [number, number][] = [
  [0, 0.19399212903676896], [1, 0.29922873041295656], [2, 0.38073220321704143], [5, 0.380766115288909],
  [17, 0.2237614177441069], [18, 0.30545216112641393], [50, 0.18644992865982146], [99, 0.1906263802238337],
  [150, 0.15756579056848263], [198, 0.24456814791012327], [199, 0.13975189708421398],
];
const SCIPY_FILTFILT: [number, number][] = [
  [0, 0.045629465609052164], [1, 0.16227067008576662], [2, 0.2614086795023562], [5, 0.3317163626603587],
  [17, 0.1878189455561141], [18, 0.2864738257365185], [50, 0.30801792312314946], [99, 0.31502820593989417],
  [150, 0.11570706689139584], [198, 0.12005612262362567], [199, 0.026810221515989607],
];

const testSignal = () =>
  Float64Array.from({ length: 200 }, (_, n) =>
    0.5 * Math.sin((2 * Math.PI * 30 * n) / 16000) + 0.3 * Math.sin((2 * Math.PI * 1000 * n) / 16000) + 0.2,
  );

/** Amplitude of a sinusoid of known frequency, least-squares fit over x[from..]. */
function toneAmplitude(x: ArrayLike<number>, freq: number, sr: number, from: number): number {
  let ss = 0, sc = 0, cc = 0, xs = 0, xc = 0;
  for (let n = from; n < x.length; n++) {
    const s = Math.sin((2 * Math.PI * freq * n) / sr);
    const c = Math.cos((2 * Math.PI * freq * n) / sr);
    ss += s * s; sc += s * c; cc += c * c; xs += x[n]! * s; xc += x[n]! * c;
  }
  const det = ss * cc - sc * sc;
  const p = (xs * cc - xc * sc) / det;
  const q = (xc * ss - xs * sc) / det;
  return Math.hypot(p, q);
}

const tone = (freq: number, sr: number, seconds: number) =>
  Float32Array.from({ length: Math.round(sr * seconds) }, (_, n) => Math.sin((2 * Math.PI * freq * n) / sr));

const db = (r: number) => 20 * Math.log10(r);
/** Analog Butterworth high-pass magnitude, the design target (pre-warping makes it exact at 48 Hz). */
const analogDb = (f: number) => -10 * Math.log10(1 + (48 / f) ** 10);

describe("butterworthHighpass", () => {
  for (const sr of [16000, 32000, 40000, 48000]) {
    it(`matches scipy.signal.butter(5, 48, "high", fs=${sr})`, () => {
      const { b, a } = rvcHighpassCoefficients(sr);
      const ref = SCIPY[sr]!;
      expect(b.length).toBe(6);
      expect(a.length).toBe(6);
      ref.b.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 12));
      ref.a.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 12));
    });
  }

  it("rejects cutoffs outside (0, Nyquist) and bad orders", () => {
    expect(() => butterworthHighpass(5, 9000, 16000)).toThrow(RangeError);
    expect(() => butterworthHighpass(0, 48, 16000)).toThrow(RangeError);
  });

  // The system lfilter_zi solves is ill-conditioned (poles near z = 1), so last-bit coefficient
  // differences move zi by ~1e-7; we check scipy's value at that level and the defining property.
  it("lfilterZi matches scipy.signal.lfilter_zi and is the step steady state", () => {
    const c = rvcHighpassCoefficients(16000);
    const zi = lfilterZi(c);
    SCIPY_ZI_16K.forEach((v, i) => expect(Math.abs(zi[i]! - v)).toBeLessThan(2e-6 * Math.abs(v)));
    const { y } = lfilter(c, new Float64Array(500).fill(1), zi);
    for (const v of y) expect(Math.abs(v)).toBeLessThan(1e-5); // DC gain of a high-pass is 0
  });
});

describe("lfilter / filtfilt against scipy output", () => {
  it("lfilter equals scipy.signal.lfilter", () => {
    const { y } = lfilter(rvcHighpassCoefficients(16000), testSignal());
    for (const [i, v] of SCIPY_LFILTER) expect(Math.abs(y[i]! - v)).toBeLessThan(1e-8);
  });

  it("filtfilt equals scipy.signal.filtfilt", () => {
    const y = filtfilt(rvcHighpassCoefficients(16000), testSignal());
    expect(y.length).toBe(200);
    for (const [i, v] of SCIPY_FILTFILT) expect(Math.abs(y[i]! - v)).toBeLessThan(1e-7);
  });

  it("lfilter state carries across blocks exactly", () => {
    const c = rvcHighpassCoefficients(40000);
    const x = testSignal();
    const whole = lfilter(c, x).y;
    const first = lfilter(c, x.subarray(0, 77));
    const second = lfilter(c, x.subarray(77), first.zf).y;
    for (let i = 0; i < 77; i++) expect(first.y[i]).toBe(whole[i]);
    for (let i = 77; i < 200; i++) expect(second[i - 77]).toBeCloseTo(whole[i]!, 14);
  });

  it("filtfilt refuses inputs not longer than its 18-sample padding (as scipy)", () => {
    expect(() => filtfilt(rvcHighpassCoefficients(16000), new Float64Array(18))).toThrow(RangeError);
  });
});

describe("measured response", () => {
  for (const sr of [16000, 40000, 48000]) {
    it(`at ${sr} Hz: 20 Hz is ~38 dB below 1 kHz, 48 Hz is -3 dB, 200 Hz passes`, () => {
      const settle = sr; // skip 1 s of transient: the 48 Hz poles decay slowly
      const gain = (f: number) => toneAmplitude(rvcHighpass(tone(f, sr, 3), sr), f, sr, settle);
      const g1k = gain(1000);
      expect(Math.abs(db(g1k))).toBeLessThan(0.01);
      const rel20 = db(gain(20) / g1k);
      expect(rel20).toBeLessThan(-37);
      expect(Math.abs(rel20 - analogDb(20))).toBeLessThan(0.2);
      expect(Math.abs(db(gain(48) / g1k) - -3.0103)).toBeLessThan(0.05);
      expect(Math.abs(db(gain(200) / g1k))).toBeLessThan(0.01);
    });
  }

  it("zero-phase version squares the magnitude and keeps a 200 Hz tone in phase", () => {
    const sr = 16000;
    const x20 = tone(20, sr, 3);
    const rel20 = db(toneAmplitude(rvcHighpassZeroPhase(x20, sr), 20, sr, sr) / 1);
    expect(Math.abs(rel20 - 2 * analogDb(20))).toBeLessThan(0.5);
    const x200 = tone(200, sr, 1);
    const y = rvcHighpassZeroPhase(x200, sr);
    let err = 0;
    for (let n = 4000; n < 12000; n++) err = Math.max(err, Math.abs(y[n]! - x200[n]!));
    expect(err).toBeLessThan(1e-3);
  });
});

describe("block-wise and in-place forms = whole-file filters", () => {
  const signal = (n: number) => {
    const x = new Float32Array(n);
    let s = 7;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      x[i] = 0.6 * Math.sin(i * 0.002) + 0.3 * Math.sin(i * 0.11) + (s / 2147483648 - 0.5) * 0.2;
    }
    return x;
  };

  it("HighpassStream over blocks equals rvcHighpass over the whole signal, sample for sample", () => {
    const x = signal(40000 * 2 + 17);
    const whole = rvcHighpass(x, 40000);
    for (const size of [1, 333, 4096, x.length]) {
      const hp = new HighpassStream(40000);
      const parts: number[] = [];
      for (let at = 0; at < x.length; at += size) parts.push(...hp.push(x.subarray(at, at + size)));
      expect(parts.length).toBe(whole.length);
      expect(parts.every((v, i) => v === whole[i])).toBe(true);
    }
  });

  it("filtfiltInto equals filtfilt (as float32), also with a float32 scale folded in", () => {
    const x = signal(16000 + 5);
    const c = rvcHighpassCoefficients(16000);
    const out = new Float32Array(x.length + 10).fill(9);
    filtfiltInto(c, x, out, 4);
    const ref = Float32Array.from(filtfilt(c, x));
    expect(out.subarray(4, 4 + x.length).every((v, i) => v === ref[i])).toBe(true);
    expect([out[3], out[4 + x.length]]).toEqual([9, 9]);
    const k = 0.95 / 0.9;
    filtfiltInto(c, x, out, 0, k);
    const scaledRef = Float32Array.from(filtfilt(c, x.map((v) => v * k)));
    expect(out.subarray(0, x.length).every((v, i) => v === scaledRef[i])).toBe(true);
    expect(rvcHighpassZeroPhase(x, 16000).every((v, i) => v === ref[i])).toBe(true);
  });
});
