/**
 * Per-step training losses (issue 15), pure: the trainer's step file (worker/trainer/steplog.py) parsed into columns,
 * downsampled into at most N buckets per series (mean, min and max, so a spike stays visible) with an exponential
 * moving average computed over the raw steps, and the per-epoch means. No I/O (lib/training-history.ts reads files).
 */

export const STEP_FILE_MAGIC = "VSSTEP01";
const MAX_HEADER = 4096;

export interface StepColumns {
  fields: string[];
  /** global step of each record (grows along the file) */
  steps: Uint32Array;
  epochs: Uint32Array;
  /** one column per field; NaN where the trainer had no value */
  values: Float32Array[];
}

export class StepFileError extends Error {}

/** Parse the step file (header, then records of uint32 step, uint32 epoch, float32 × fields; little-endian). */
export function parseStepFile(buf: Uint8Array): StepColumns {
  const empty = { fields: [], steps: new Uint32Array(0), epochs: new Uint32Array(0), values: [] };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = new TextDecoder().decode(buf.subarray(0, 8));
  if (magic !== STEP_FILE_MAGIC.slice(0, magic.length)) throw new StepFileError("not a step file (bad magic)");
  if (buf.length < 12) return empty; // the trainer is writing the header right now
  const headerLength = view.getUint32(8, true);
  // a header length is checked before anything is decoded from it
  if (headerLength > MAX_HEADER) throw new StepFileError(`bad header length ${headerLength}`);
  if (12 + headerLength > buf.length) return empty;
  let fields: unknown;
  try {
    fields = (JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(12, 12 + headerLength))) as { fields?: unknown }).fields;
  } catch {
    throw new StepFileError("the header is not JSON");
  }
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === "string") || fields.length > 64) throw new StepFileError("the header names no fields");
  const start = 12 + headerLength;
  const rec = 8 + 4 * fields.length;
  // a record half written when the trainer was killed is left out
  const count = Math.floor((buf.length - start) / rec);
  const steps = new Uint32Array(count);
  const epochs = new Uint32Array(count);
  const values = fields.map(() => new Float32Array(count));
  for (let i = 0, off = start; i < count; i++, off += rec) {
    steps[i] = view.getUint32(off, true);
    epochs[i] = view.getUint32(off + 4, true);
    for (let f = 0; f < values.length; f++) values[f]![i] = view.getFloat32(off + 8 + 4 * f, true);
  }
  return { fields: fields as string[], steps, epochs, values };
}

/** Bucket b of n items in `points` buckets covers [start, end): contiguous, in order, sizes differ by at most 1. */
export function bucketBounds(n: number, points: number): [number, number][] {
  const k = Math.max(0, Math.min(n, Math.floor(points)));
  const out: [number, number][] = [];
  for (let b = 0; b < k; b++) out.push([Math.floor((b * n) / k), Math.floor(((b + 1) * n) / k)]);
  return out;
}

/**
 * Bias-corrected exponential moving average (as TensorBoard's smoothing): s = w·s + (1−w)·x, divided by 1 − w^t after
 * t finite values, so the start is not pulled toward 0. NaN values are skipped (the line carries the last value;
 * NaN until the first finite value).
 */
export function ema(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  let s = 0;
  let debias = 1;
  let seen = false;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isFinite(x)) {
      s = weight * s + (1 - weight) * x;
      debias *= weight;
      seen = true;
    }
    out[i] = seen ? s / (1 - debias) : NaN;
  }
  return out;
}

/**
 * The smoothing weight for `n` steps shown in `points` buckets: an EMA span of 4 buckets' steps, at least 20 steps
 * (fewer for a short history, n/20, so a few steps are not all lag).
 */
export function defaultSmoothing(n: number, points: number): number {
  const span = Math.max(Math.min(20, Math.ceil(n / 20)), 4 * Math.ceil(n / Math.max(1, points)));
  return 1 - 2 / (span + 1);
}

/**
 * Values as sent: 6 significant digits (float32 holds about 7; the charts show 3), which keeps the JSON of 100,000
 * steps small. NaN/∞ → null.
 */
const num = (v: number): number | null => (Number.isFinite(v) ? round6(v) : null);
export const round6 = (v: number): number => Number(v.toPrecision(6));

export interface BucketSeries {
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** the EMA over the raw steps, at each bucket's last step */
  smooth: (number | null)[];
}

/** One series in buckets: mean, min and max of the finite values in each, and the smoothed value at its end. */
export function bucketSeries(values: ArrayLike<number>, bounds: [number, number][], smoothed: ArrayLike<number>): BucketSeries {
  const out: BucketSeries = { mean: [], min: [], max: [], smooth: [] };
  for (const [a, b] of bounds) {
    let sum = 0;
    let k = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b; i++) {
      const x = values[i]!;
      if (!Number.isFinite(x)) continue;
      sum += x;
      k++;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    out.mean.push(k ? round6(sum / k) : null);
    out.min.push(k ? round6(lo) : null);
    out.max.push(k ? round6(hi) : null);
    out.smooth.push(num(smoothed[b - 1]!));
  }
  return out;
}

/** Mean of each field per epoch (epochs in the order they appear; NaN values left out). */
export function epochMeans(cols: StepColumns): { epoch: number[]; step: number[]; series: Record<string, (number | null)[]> } {
  const epoch: number[] = [];
  const step: number[] = [];
  const sums = cols.values.map(() => [] as number[]);
  const counts = cols.values.map(() => [] as number[]);
  for (let i = 0; i < cols.steps.length; i++) {
    const e = cols.epochs[i]!;
    if (epoch.length === 0 || epoch[epoch.length - 1] !== e) {
      epoch.push(e);
      step.push(cols.steps[i]!);
      for (let f = 0; f < sums.length; f++) {
        sums[f]!.push(0);
        counts[f]!.push(0);
      }
    }
    const j = epoch.length - 1;
    step[j] = cols.steps[i]!;
    for (let f = 0; f < sums.length; f++) {
      const x = cols.values[f]![i]!;
      if (Number.isFinite(x)) {
        sums[f]![j]! += x;
        counts[f]![j]! += 1;
      }
    }
  }
  const series: Record<string, (number | null)[]> = {};
  cols.fields.forEach((name, f) => {
    series[name] = sums[f]!.map((s, j) => (counts[f]![j] ? round6(s / counts[f]![j]!) : null));
  });
  return { epoch, step, series };
}

export interface StepSeries {
  /** raw steps in the history */
  count: number;
  /** the EMA weight used for `smooth` */
  smoothing: number;
  /** per bucket: its first and last step, and the epoch of its last step */
  from: number[];
  to: number[];
  epoch: number[];
  series: Record<string, BucketSeries>;
}

/** The whole per-step history in at most `points` buckets per series (`fields`: which ones; default all). */
export function downsampleSteps(cols: StepColumns, points: number, opts: { smoothing?: number; fields?: string[] } = {}): StepSeries {
  const n = cols.steps.length;
  const bounds = bucketBounds(n, points);
  const smoothing = opts.smoothing ?? defaultSmoothing(n, points);
  const series: Record<string, BucketSeries> = {};
  cols.fields.forEach((name, f) => {
    if (opts.fields && !opts.fields.includes(name)) return;
    const values = cols.values[f]!;
    series[name] = bucketSeries(values, bounds, ema(values, smoothing));
  });
  return {
    count: n,
    smoothing,
    from: bounds.map(([a]) => cols.steps[a]!),
    to: bounds.map(([, b]) => cols.steps[b - 1]!),
    epoch: bounds.map(([, b]) => cols.epochs[b - 1]!),
    series,
  };
}

/** The step file's bytes for given records (benchmarks and tests make histories with it; the trainer writes its own). */
export function encodeStepFile(fields: string[], records: { step: number; epoch: number; values: number[] }[]): Uint8Array {
  let header = new TextEncoder().encode(JSON.stringify({ fields }));
  const pad = (4 - ((12 + header.length) % 4)) % 4;
  header = new Uint8Array([...header, ...new Array<number>(pad).fill(0x20)]);
  const rec = 8 + 4 * fields.length;
  const out = new Uint8Array(12 + header.length + rec * records.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(STEP_FILE_MAGIC), 0);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let off = 12 + header.length;
  for (const r of records) {
    view.setUint32(off, r.step, true);
    view.setUint32(off + 4, r.epoch, true);
    fields.forEach((_, f) => view.setFloat32(off + 8 + 4 * f, r.values[f] ?? NaN, true));
    off += rec;
  }
  return out;
}
