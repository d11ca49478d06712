import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeNpy, encodeCoarsePitch, encodeFeatures, encodeNpy, encodePitchHz, NpyError, npyValues } from "./npy";
import { pythonHas, runPythonJson } from "./python-check";

const features = (frames: number, dim = 768) => Float32Array.from({ length: frames * dim }, (_, i) => Math.sin(i) * 3);

describe("encodeNpy (format 1.0)", () => {
  it("writes magic, version 1.0 and a 64-byte-aligned header ending in a newline", () => {
    const b = encodeNpy("<f4", [3, 768], features(3));
    expect(Array.from(b.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hlen = b[8]! | (b[9]! << 8);
    expect((10 + hlen) % 64).toBe(0);
    const header = new TextDecoder().decode(b.subarray(10, 10 + hlen));
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 768), }");
    expect(header.endsWith("\n")).toBe(true);
    expect(b.length).toBe(10 + hlen + 3 * 768 * 4);
  });

  it("writes 1-D shapes as a one-element tuple", () => {
    const b = encodePitchHz([0, 220.5]);
    expect(new TextDecoder().decode(b.subarray(10, 10 + b[8]!))).toContain("'shape': (2,), }");
  });

  it("round-trips float32 2-D, float64, int64 and int32", () => {
    const f = features(5);
    expect(decodeNpy(encodeFeatures(f, 768))).toEqual({ dtype: "<f4", shape: [5, 768], data: f });
    const hz = Float64Array.from([0, 0, 110.25, 1234.5678901234]);
    expect(decodeNpy(encodePitchHz(hz))).toEqual({ dtype: "<f8", shape: [4], data: hz });
    const coarse = decodeNpy(encodeCoarsePitch([1, 1, 255, 128]));
    expect(coarse.dtype).toBe("<i8");
    expect(Array.from(coarse.data as BigInt64Array)).toEqual([1n, 1n, 255n, 128n]);
    expect(decodeNpy(encodeNpy("<i4", [2], [-5, 7])).data).toEqual(Int32Array.from([-5, 7]));
    expect(decodeNpy(encodeFeatures(new Float32Array(0), 768)).shape).toEqual([0, 768]);
  });

  it("decodes from a Uint8Array at an odd offset of a larger buffer", () => {
    const b = encodePitchHz([1.5, -2]);
    const big = new Uint8Array(b.length + 3);
    big.set(b, 3);
    expect(Array.from(npyValues(decodeNpy(big.subarray(3))))).toEqual([1.5, -2]);
  });

  it("refuses mismatched shapes and non-integers for int dtypes", () => {
    expect(() => encodeNpy("<f4", [2, 3], new Float32Array(5))).toThrow(NpyError);
    expect(() => encodeFeatures(new Float32Array(769), 768)).toThrow(NpyError);
    expect(() => encodeCoarsePitch([1.5])).toThrow(NpyError);
    expect(() => encodeNpy("<i4", [1], [2 ** 31])).toThrow(NpyError);
  });

  it("refuses bad files with a clear NpyError", () => {
    expect(() => decodeNpy(new Uint8Array(20))).toThrow(/not a \.npy/);
    const good = encodePitchHz([1, 2, 3]);
    expect(() => decodeNpy(good.subarray(0, good.length - 1))).toThrow(/truncated/);
    const f2 = good.slice();
    const at = new TextDecoder().decode(f2).indexOf("<f8");
    f2[at + 2] = "2".charCodeAt(0); // '<f2'
    expect(() => decodeNpy(f2)).toThrow(/unsupported dtype <f2/);
  });
});

const HAS_NUMPY = pythonHas("numpy");
const dir = mkdtempSync(path.join(tmpdir(), "dsp-npy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("interoperability with numpy", () => {
  it.skipIf(!HAS_NUMPY)(
    `numpy.load reads our files with RVC's dtypes and shapes${HAS_NUMPY ? "" : " (skipped: /usr/bin/python3 has no numpy)"}`,
    () => {
      const feats = features(7);
      writeFileSync(path.join(dir, "0_0.npy"), encodeFeatures(feats, 768));
      writeFileSync(path.join(dir, "f0.wav.npy"), encodeCoarsePitch([1, 50, 255]));
      writeFileSync(path.join(dir, "f0nsf.wav.npy"), encodePitchHz([0, 123.456]));
      const r = runPythonJson<Record<string, { dtype: string; shape: number[]; values: number[] }>>(
        `import sys, json, numpy as np
out = {}
for name in ["0_0.npy", "f0.wav.npy", "f0nsf.wav.npy"]:
    a = np.load(sys.argv[1] + "/" + name, allow_pickle=False)
    out[name] = {"dtype": str(a.dtype), "shape": list(a.shape), "values": [float(v) for v in a.reshape(-1)[:3]] + [float(a.reshape(-1)[-1])]}
print(json.dumps(out))`,
        dir,
      );
      expect(r["0_0.npy"]).toEqual({ dtype: "float32", shape: [7, 768], values: [...Array.from(feats.subarray(0, 3)), feats[feats.length - 1]] });
      expect(r["f0.wav.npy"]).toEqual({ dtype: "int64", shape: [3], values: [1, 50, 255, 255] });
      expect(r["f0nsf.wav.npy"]).toEqual({ dtype: "float64", shape: [2], values: [0, 123.456, 123.456] });
    },
  );

  it.skipIf(!HAS_NUMPY)(`we read numpy.save output${HAS_NUMPY ? "" : " (skipped: no numpy)"}`, () => {
    runPythonJson(
      `import sys, numpy as np
d = sys.argv[1]
np.save(d + "/a.npy", np.arange(12, dtype=np.float32).reshape(4, 3) / 4, allow_pickle=False)
np.save(d + "/mute.npy", np.full(301, 1, dtype=np.int32), allow_pickle=False)
np.save(d + "/b.npy", np.array([1, 255], dtype=np.int64), allow_pickle=False)
np.save(d + "/c.npy", np.array([0.1, 220.0]), allow_pickle=False)
print("null")`,
      dir,
    );
    const a = decodeNpy(readFileSync(path.join(dir, "a.npy")));
    expect(a).toEqual({ dtype: "<f4", shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 4) });
    const mute = decodeNpy(readFileSync(path.join(dir, "mute.npy")));
    expect(mute.dtype).toBe("<i4");
    expect(mute.shape).toEqual([301]);
    expect(npyValues(mute).every((v) => v === 1)).toBe(true);
    expect(Array.from(decodeNpy(readFileSync(path.join(dir, "b.npy"))).data as BigInt64Array)).toEqual([1n, 255n]);
    expect(decodeNpy(readFileSync(path.join(dir, "c.npy"))).data).toEqual(Float64Array.from([0.1, 220]));
  });
});
