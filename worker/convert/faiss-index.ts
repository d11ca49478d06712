/**
 * Reading RVC's retrieval index (`added_IVF<n>_Flat_nprobe_1_<name>_<ver>.index`, rvc-formats §8) in TypeScript, and
 * searching it the way faiss's IndexIVFFlat does: the query's `nprobe` nearest centroids, then an exact scan of
 * those inverted lists for the k nearest vectors by squared L2.
 *
 * Why in TypeScript rather than a sidecar written by the trainer: imported models arrive with only a `.index`, the
 * format of an IVF-Flat index is small and stable, and the conversion worker then needs no Python at all. Other
 * faiss index types (PQ, HNSW, …) are refused with a clear message; RVC only ever writes IVF-Flat.
 */

export class IndexFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IndexFormatError";
  }
}

export interface FeatureIndex {
  dim: number;
  /** number of stored vectors */
  ntotal: number;
  nlist: number;
  nprobe: number;
  /** [nlist, dim] row-major */
  centroids: Float32Array;
  /** ‖centroid‖² per list */
  centroidNorms: Float32Array;
  /** all stored vectors, list after list: [ntotal, dim] */
  vectors: Float32Array;
  /** faiss ids of `vectors` rows (ids equal rows of total_fea.npy) */
  ids: BigInt64Array;
  /** list l holds vector rows [listStart[l], listStart[l + 1]) */
  listStart: Uint32Array;
}

class Reader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new IndexFormatError(`the index file is truncated: ${what} needs ${n} bytes at offset ${this.pos}, the file has ${this.bytes.length}`);
    }
  }
  fourcc(what: string): string {
    this.need(4, what);
    const s = String.fromCharCode(...this.bytes.subarray(this.pos, this.pos + 4));
    this.pos += 4;
    return s;
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }
  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** a 64-bit count, refused if it is not a safe integer below `max` */
  u64(what: string, max = Number.MAX_SAFE_INTEGER): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(max)) throw new IndexFormatError(`${what} is ${v}, more than this file can hold (${max})`);
    return Number(v);
  }
  f32(count: number, what: string): Float32Array {
    this.need(count * 4, what);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.view.getFloat32(this.pos + 4 * i, true);
    this.pos += count * 4;
    return out;
  }
  i64(count: number, what: string): BigInt64Array {
    this.need(count * 8, what);
    const out = new BigInt64Array(count);
    for (let i = 0; i < count; i++) out[i] = this.view.getBigInt64(this.pos + 8 * i, true);
    this.pos += count * 8;
    return out;
  }
  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
}

interface Header {
  dim: number;
  ntotal: number;
  metric: number;
}

function readHeader(r: Reader, what: string): Header {
  const dim = r.i32(`${what} dimension`);
  const ntotal = r.u64(`${what} vector count`);
  r.u64(`${what} reserved`);
  r.u64(`${what} reserved`);
  r.u8(`${what} is_trained`);
  const metric = r.i32(`${what} metric`);
  if (metric > 1) r.skip(4, `${what} metric argument`);
  if (dim <= 0 || dim > 65536) throw new IndexFormatError(`${what} has an impossible dimension ${dim}`);
  return { dim, ntotal, metric };
}

const KNOWN_OTHER_TYPES: Record<string, string> = {
  IxFI: "a flat inner-product index", IxF2: "a flat L2 index (no IVF)", IwPQ: "an IVF-PQ index", IxHN: "an HNSW index",
  IHNf: "an HNSW index", IwSQ: "an IVF scalar-quantizer index", IxPq: "a PQ index", IvFl: "an old-format IVF-Flat index",
};

/** Parse an IVF-Flat (L2) index written by faiss (`faiss.write_index`). Throws IndexFormatError with the reason. */
export function readFaissIndex(bytes: Uint8Array): FeatureIndex {
  const r = new Reader(bytes);
  const kind = r.fourcc("index type");
  if (kind !== "IwFl") {
    const known = KNOWN_OTHER_TYPES[kind];
    throw new IndexFormatError(
      known
        ? `the index is ${known} ("${kind}"); RVC's retrieval index is IVF-Flat ("IwFl")`
        : `not a faiss IVF-Flat index (starts with ${JSON.stringify(kind)}, expected "IwFl")`,
    );
  }
  const head = readHeader(r, "index");
  if (head.metric !== 1) throw new IndexFormatError(`the index uses metric ${head.metric}; RVC's index uses L2 (1)`);
  const nlist = r.u64("nlist", 1 << 24);
  const nprobe = r.u64("nprobe", 1 << 24);
  const qkind = r.fourcc("quantizer type");
  if (qkind !== "IxF2") throw new IndexFormatError(`the IVF quantizer is "${qkind}", expected a flat L2 quantizer ("IxF2")`);
  const qhead = readHeader(r, "quantizer");
  if (qhead.dim !== head.dim || qhead.ntotal !== nlist) {
    throw new IndexFormatError(`the quantizer holds ${qhead.ntotal} centroids of dimension ${qhead.dim}, expected ${nlist} of ${head.dim}`);
  }
  const ncent = r.u64("centroid count", 1 << 30);
  if (ncent !== nlist * head.dim) throw new IndexFormatError(`the quantizer stores ${ncent} values, expected ${nlist * head.dim}`);
  const centroids = r.f32(ncent, "centroids");
  // direct map: type, then its id array (none for RVC's files, but skip whatever is there)
  const dmType = r.u8("direct map type");
  const dmSize = r.u64("direct map size", 1 << 30);
  r.skip(dmSize * (dmType === 2 ? 16 : 8), "direct map");
  const ilKind = r.fourcc("inverted list type");
  if (ilKind !== "ilar") throw new IndexFormatError(`inverted lists of type "${ilKind}" are not supported (expected "ilar")`);
  const ilNlist = r.u64("inverted list count", 1 << 24);
  const codeSize = r.u64("code size", 1 << 20);
  if (ilNlist !== nlist || codeSize !== 4 * head.dim) {
    throw new IndexFormatError(`inverted lists: ${ilNlist} lists of ${codeSize}-byte codes, expected ${nlist} of ${4 * head.dim}`);
  }
  const sizes = new Array<number>(nlist).fill(0);
  const listsKind = r.fourcc("list sizes type");
  if (listsKind === "full") {
    const n = r.u64("list size count", 1 << 24);
    if (n !== nlist) throw new IndexFormatError(`${n} list sizes for ${nlist} lists`);
    for (let l = 0; l < nlist; l++) sizes[l] = r.u64("list size", 2 ** 31);
  } else if (listsKind === "sprs") {
    const n = r.u64("sparse list size count", 1 << 25);
    if (n % 2 !== 0) throw new IndexFormatError("sparse list sizes must come in (list, size) pairs");
    for (let i = 0; i < n; i += 2) {
      const l = r.u64("list number", nlist - 1);
      sizes[l] = r.u64("list size", 2 ** 31);
    }
  } else {
    throw new IndexFormatError(`unknown list sizes type "${listsKind}"`);
  }
  const ntotal = sizes.reduce((a, b) => a + b, 0);
  if (ntotal !== head.ntotal) throw new IndexFormatError(`the lists hold ${ntotal} vectors but the header says ${head.ntotal}`);
  const dim = head.dim;
  const vectors = new Float32Array(ntotal * dim);
  const ids = new BigInt64Array(ntotal);
  const listStart = new Uint32Array(nlist + 1);
  let row = 0;
  for (let l = 0; l < nlist; l++) {
    listStart[l] = row;
    const n = sizes[l]!;
    if (n === 0) continue;
    vectors.set(r.f32(n * dim, `vectors of list ${l}`), row * dim);
    ids.set(r.i64(n, `ids of list ${l}`), row);
    row += n;
  }
  listStart[nlist] = row;
  if (r.remaining !== 0) throw new IndexFormatError(`${r.remaining} unexpected bytes after the inverted lists`);
  const centroidNorms = new Float32Array(nlist);
  for (let l = 0; l < nlist; l++) centroidNorms[l] = dot(centroids, l * dim, centroids, l * dim, dim);
  return { dim, ntotal, nlist, nprobe: Math.max(1, Math.min(nprobe, nlist)), centroids, centroidNorms, vectors, ids, listStart };
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i]! * b[bo + i]!;
    s1 += a[ao + i + 1]! * b[bo + i + 1]!;
    s2 += a[ao + i + 2]! * b[bo + i + 2]!;
    s3 += a[ao + i + 3]! * b[bo + i + 3]!;
  }
  for (; i < n; i++) s0 += a[ao + i]! * b[bo + i]!;
  return s0 + s1 + s2 + s3;
}

export interface Neighbours {
  /** rows of `index.vectors`, nearest first; fewer than k when the probed lists hold fewer vectors */
  rows: number[];
  /** squared L2 distances, same order */
  distances: number[];
}

/** Insert (d, row) into the sorted top-k arrays. */
function keep(best: Neighbours, k: number, d: number, row: number): void {
  const { distances, rows } = best;
  if (distances.length === k && d >= distances[k - 1]!) return;
  let i = distances.length === k ? k - 1 : distances.length;
  while (i > 0 && distances[i - 1]! > d) {
    distances[i] = distances[i - 1]!;
    rows[i] = rows[i - 1]!;
    i--;
  }
  distances[i] = d;
  rows[i] = row;
}

/** The k nearest stored vectors to `query` (dim values at `offset`) by squared L2, probing `nprobe` lists. */
export function searchIndex(index: FeatureIndex, query: Float32Array, offset: number, k: number, nprobe = index.nprobe): Neighbours {
  const { dim, nlist, centroids, centroidNorms, vectors, listStart } = index;
  const qn = dot(query, offset, query, offset, dim);
  const probes: Neighbours = { rows: [], distances: [] };
  const p = Math.max(1, Math.min(nprobe, nlist));
  for (let l = 0; l < nlist; l++) {
    keep(probes, p, qn - 2 * dot(query, offset, centroids, l * dim, dim) + centroidNorms[l]!, l);
  }
  const best: Neighbours = { rows: [], distances: [] };
  for (const l of probes.rows) {
    for (let row = listStart[l]!; row < listStart[l + 1]!; row++) {
      // exact squared L2 over the vector (as IndexIVFFlat does), not the norm expansion: no cancellation near 0
      let d = 0;
      const o = row * dim;
      for (let i = 0; i < dim; i++) {
        const e = query[offset + i]! - vectors[o + i]!;
        d += e * e;
      }
      keep(best, k, d, row);
    }
  }
  return best;
}
