import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pythonHas, runPythonJson } from "../dsp/python-check";
import { IndexFormatError, readFaissIndex, searchIndex } from "./faiss-index";

const hasFaiss = pythonHas("faiss", "numpy");

// Builds an index the way RVC's train_index does (IVF<n>,Flat, L2, nprobe 1, add in batches), writes it, and
// answers k=8 searches with faiss itself, so the TypeScript reader and search are checked against the real library.
const MAKE = `
import sys, json, numpy as np, faiss
out, n, d, nlist, seed, nadd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
rng = np.random.default_rng(seed)
x = (rng.standard_normal((n, d)) + rng.integers(0, 4, (n, 1))).astype("float32")
index = faiss.index_factory(d, "IVF%d,Flat" % nlist)
faiss.extract_index_ivf(index).nprobe = 1
index.train(x)
x = x[:nadd]
for i in range(0, nadd, 8192):
    index.add(x[i:i + 8192])
faiss.write_index(index, out)
q = (rng.standard_normal((20, d)) + 1.5).astype("float32")
D, I = index.search(q, 8)
print(json.dumps({"q": q.tolist(), "D": D.tolist(), "I": I.tolist(), "x0": x[0].tolist(), "n": int(index.ntotal)}))
`;

/** train on n rows, add the first `nadd` of them */
function make(n: number, d: number, nlist: number, nadd = n, seed = 1) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vs-faiss-")), "added.index");
  const res = runPythonJson<{ q: number[][]; D: number[][]; I: number[][]; x0: number[]; n: number }>(MAKE, file, String(n), String(d), String(nlist), String(seed), String(nadd));
  return { file, ...res };
}

describe.skipIf(!hasFaiss)("readFaissIndex + searchIndex against faiss", () => {
  it.each([
    ["RVC-sized lists (full)", 2000, 32, 51, 2000],
    ["most lists empty (sprs)", 2000, 16, 64, 6],
  ])("%s: same neighbours and distances as faiss", (_label, n, d, nlist, nadd) => {
    const m = make(n, d, nlist, nadd);
    const index = readFaissIndex(fs.readFileSync(m.file));
    expect(index.dim).toBe(d);
    expect(index.ntotal).toBe(nadd);
    expect(index.nlist).toBe(nlist);
    expect(index.nprobe).toBe(1);
    // vector with id 0 is the first training row (ids follow row order, so they match total_fea.npy)
    const row0 = [...index.ids].findIndex((id) => id === 0n);
    expect(Array.from(index.vectors.subarray(row0 * d, row0 * d + d))).toEqual(m.x0.map(Math.fround));
    for (let qi = 0; qi < m.q.length; qi++) {
      const q = Float32Array.from(m.q[qi]!);
      const got = searchIndex(index, q, 0, 8);
      const want = m.I[qi]!.filter((id) => id >= 0);
      expect(got.rows.map((r) => Number(index.ids[r]))).toEqual(want);
      got.distances.forEach((dist, j) => expect(dist).toBeCloseTo(m.D[qi]![j]!, 2));
    }
  });
});

describe("readFaissIndex refuses what is not an IVF-Flat index", () => {
  it("a text file", () => {
    expect(() => readFaissIndex(Buffer.from("hello, this is not an index"))).toThrow(IndexFormatError);
    expect(() => readFaissIndex(Buffer.from("hello, this is not an index"))).toThrow(/not a faiss IVF-Flat index/);
  });
  it("an HNSW index by its type code", () => {
    expect(() => readFaissIndex(Buffer.from("IHNf\0\0\0\0"))).toThrow(/HNSW/);
  });
  it.skipIf(!hasFaiss)("a truncated file, naming where it ends", () => {
    const m = make(200, 8, 5);
    const bytes = fs.readFileSync(m.file);
    expect(() => readFaissIndex(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated/);
    expect(() => readFaissIndex(Buffer.concat([bytes, Buffer.from([1, 2, 3])]))).toThrow(/unexpected bytes/);
  });
});

describe("searchIndex", () => {
  it("returns fewer than k when the probed list is small, nearest first", () => {
    // two lists in 2-D: centroids (0,0) and (10,10); list 0 holds 3 vectors
    const index = {
      dim: 2, ntotal: 4, nlist: 2, nprobe: 1,
      centroids: Float32Array.from([0, 0, 10, 10]),
      centroidNorms: Float32Array.from([0, 200]),
      vectors: Float32Array.from([1, 0, 0, 2, 0.5, 0.5, 10, 10]),
      ids: BigInt64Array.from([0n, 1n, 2n, 3n]),
      listStart: Uint32Array.from([0, 3, 4]),
    };
    const r = searchIndex(index, Float32Array.from([0.4, 0.4]), 0, 8);
    expect(r.rows).toEqual([2, 0, 1]);
    expect(r.distances[0]).toBeCloseTo(0.02, 6);
    expect(searchIndex(index, Float32Array.from([0.4, 0.4]), 0, 8, 2).rows).toEqual([2, 0, 1, 3]);
  });
});
