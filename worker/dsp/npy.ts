// NumPy .npy encode/decode over bytes (format 1.0 written; 1.0–3.0 read). RVC's extract outputs:
// 2a_f0 int64 [T], 2b-f0nsf float64 [T], 3_feature768 float32 [T, 768] (rvc-formats §1.8, §2, §3).

export class NpyError extends Error {
  override name = "NpyError";
}

export type NpyDtype = "<f4" | "<f8" | "<i4" | "<i8";
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64; // numpy aligns the data start to 64 bytes
const WIDTH: Record<NpyDtype, number> = { "<f4": 4, "<f8": 8, "<i4": 4, "<i8": 8 };

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function shapeRepr(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`; // Python's one-element tuple
  return `(${shape.join(", ")})`;
}

/** Encode a C-order array as .npy format 1.0. int64 accepts plain numbers (must be safe integers). */
export function encodeNpy(dtype: NpyDtype, shape: readonly number[], data: ArrayLike<number> | BigInt64Array): Uint8Array {
  if (!(dtype in WIDTH)) throw new NpyError(`unsupported dtype ${dtype}`);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`bad shape ${shapeRepr(shape)}`);
  const count = product(shape);
  if (data.length !== count) throw new NpyError(`shape ${shapeRepr(shape)} needs ${count} values, got ${data.length}`);
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  // magic(6) + version(2) + header length(2) + dict + padding + "\n" is a multiple of ALIGN
  const headerLen = Math.ceil((10 + dict.length + 1) / ALIGN) * ALIGN - 10;
  if (headerLen > 0xffff) throw new NpyError("header too long for format 1.0");
  const width = WIDTH[dtype];
  const out = new Uint8Array(10 + headerLen + count * width);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const v = new DataView(out.buffer);
  v.setUint16(8, headerLen, true);
  const header = dict.padEnd(headerLen - 1, " ") + "\n";
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  let at = 10 + headerLen;
  for (let i = 0; i < count; i++, at += width) {
    const x = data[i]!;
    switch (dtype) {
      case "<f4":
        v.setFloat32(at, Number(x), true);
        break;
      case "<f8":
        v.setFloat64(at, Number(x), true);
        break;
      case "<i4":
        if (typeof x === "number" && !(Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff)) {
          throw new NpyError(`value ${x} at ${i} is not an int32`);
        }
        v.setInt32(at, Number(x), true);
        break;
      case "<i8":
        if (typeof x === "number" && !Number.isSafeInteger(x)) throw new NpyError(`value ${x} at ${i} is not an integer`);
        v.setBigInt64(at, BigInt(x), true);
        break;
    }
  }
  return out;
}

/** float32 features [frames, dim] (3_feature768 / 3_feature256). */
export const encodeFeatures = (data: Float32Array, dim: number): Uint8Array => {
  if (dim <= 0 || data.length % dim !== 0) throw new NpyError(`${data.length} values are not rows of ${dim}`);
  return encodeNpy("<f4", [data.length / dim, dim], data);
};
/** coarse pitch int64 [frames] (2a_f0). */
export const encodeCoarsePitch = (coarse: ArrayLike<number>): Uint8Array => encodeNpy("<i8", [coarse.length], coarse);
/** pitch in Hz float64 [frames] (2b-f0nsf). */
export const encodePitchHz = (f0: ArrayLike<number>): Uint8Array => encodeNpy("<f8", [f0.length], f0);

function parseHeader(text: string): { dtype: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) throw new NpyError(`unreadable .npy header: ${text.trim()}`);
  const dims = shape[1]!
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const d = Number(s.replace(/L$/, ""));
      if (!Number.isInteger(d) || d < 0) throw new NpyError(`bad shape in .npy header: ${shape[0]}`);
      return d;
    });
  return { dtype: descr[1]!, fortran: fortran[1] === "True", shape: dims };
}

/** Decode a .npy file of one of the supported little-endian dtypes ('|' or '=' byte order accepted as '<'). */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError("not a .npy file");
  const major = bytes[6]!;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = v.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = v.getUint32(8, true);
    start = 12;
  } else {
    throw new NpyError(`unsupported .npy version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.byteLength) throw new NpyError("truncated .npy header");
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen));
  const h = parseHeader(text);
  const dtype = h.dtype.replace(/^[=|]/, "<") as NpyDtype;
  if (!(dtype in WIDTH)) throw new NpyError(`unsupported dtype ${h.dtype} (want <f4, <f8, <i4 or <i8)`);
  if (h.fortran && h.shape.length > 1) throw new NpyError("Fortran-order arrays are not supported");
  const count = product(h.shape);
  const width = WIDTH[dtype];
  const at = start + headerLen;
  if (at + count * width > bytes.byteLength) {
    throw new NpyError(`truncated .npy data: need ${count * width} bytes, have ${bytes.byteLength - at}`);
  }
  // DataView reads keep this independent of host byte order and of the input's alignment.
  let data: NpyData;
  switch (dtype) {
    case "<f4":
      data = Float32Array.from({ length: count }, (_, i) => v.getFloat32(at + 4 * i, true));
      break;
    case "<f8":
      data = Float64Array.from({ length: count }, (_, i) => v.getFloat64(at + 8 * i, true));
      break;
    case "<i4":
      data = Int32Array.from({ length: count }, (_, i) => v.getInt32(at + 4 * i, true));
      break;
    case "<i8": {
      const arr = new BigInt64Array(count);
      for (let i = 0; i < count; i++) arr[i] = v.getBigInt64(at + 8 * i, true);
      data = arr;
      break;
    }
  }
  return { dtype, shape: h.shape, data };
}

/** The values as float64 numbers, whatever the dtype (int64 beyond 2^53 loses precision). */
export function npyValues(a: NpyArray): Float64Array {
  const d = a.data;
  if (d instanceof BigInt64Array) return Float64Array.from(d, (x) => Number(x));
  return Float64Array.from(d);
}
