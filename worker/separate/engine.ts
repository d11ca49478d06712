// Chunked MDX-Net separation with margins: memory is flat in the song's length and chunk joins are seamless.
//
// The song is cut into blocks of hop·(dim_t−1) samples (exactly dim_t frames each, the model's input width). Block c
// starts at c·step − margin (samples before the song's start and after its end are zeros, as UVR pads) and only its
// middle `step` samples are kept; the `margin` at each side is ≥ n_fft and a multiple of the hop, so (1) every frame
// of a block lies on the same hop grid as the frames of the whole song, and (2) no kept sample sees the block edge's
// reflect padding, neither through the analysis window nor through the overlap-add of the frames it is part of. For a
// model that works frame by frame the result is therefore equal to transforming the whole song at once; for a real
// MDX-Net (a U-Net over dim_t frames) a kept sample has ≥ margin of real context on each side.
// Vocals = compensate × the model's output stem (or the mix minus it, for an instrumental model); accompaniment =
// mix − vocals, so the two stems always sum to the mix.
import { createFrontEnd } from "./stft";
import type { MdxParams } from "./params";

export interface StereoSource {
  /** frames (samples per channel) */
  readonly length: number;
  /** fill left/right with frames start … start+left.length−1 (zeros outside 0 … length−1) */
  read(start: number, left: Float32Array, right: Float32Array): Promise<void>;
}

export interface Stereo {
  left: Float32Array;
  right: Float32Array;
}

/** Receives the stems in order, one piece per chunk; the pieces add up to the source's length. */
export type StemSink = (vocals: Stereo, accompaniment: Stereo) => Promise<void>;

/** One model call: input [1, 4, dimF, dimT] (row-major) → output of the same shape. */
export type ModelRun = (input: Float32Array) => Promise<Float32Array>;

export interface ChunkPlan {
  /** samples per model call: hop·(dimT−1) */
  block: number;
  /** samples dropped at each side of a block */
  margin: number;
  /** samples kept per block */
  step: number;
  chunks: number;
}

/** How a song of `length` frames is cut. `margin` (default: n_fft rounded up to the hop) is rounded up to the hop. */
export function chunkPlan(length: number, p: Pick<MdxParams, "nFft" | "hop" | "dimT">, margin?: number): ChunkPlan {
  const block = p.hop * (p.dimT - 1);
  const m = Math.ceil((margin ?? p.nFft) / p.hop) * p.hop;
  if (m < p.nFft) throw new Error(`margin ${m} is shorter than n_fft ${p.nFft}: chunk joins would not be seamless`);
  const step = block - 2 * m;
  if (step < p.hop) {
    throw new Error(`dim_t ${p.dimT} is too small for n_fft ${p.nFft}: a block of ${block} samples leaves nothing after two margins of ${m}`);
  }
  return { block, margin: m, step, chunks: length > 0 ? Math.ceil(length / step) : 0 };
}

export interface SeparateOptions {
  signal?: AbortSignal;
  /** after each chunk: chunks done, chunks in all */
  onChunk?: (done: number, total: number) => void | Promise<void>;
  margin?: number;
}

export async function separateStereo(source: StereoSource, p: MdxParams, model: ModelRun, sink: StemSink, options: SeparateOptions = {}): Promise<ChunkPlan> {
  const plan = chunkPlan(source.length, p, options.margin);
  const fe = createFrontEnd(p);
  const { block, margin, step, chunks } = plan;
  const inL = new Float32Array(block);
  const inR = new Float32Array(block);
  const outL = new Float32Array(block);
  const outR = new Float32Array(block);
  const spec = new Float32Array(4 * p.dimF * p.dimT);
  const plane = p.dimF * p.dimT;
  const lowEnd = p.zeroLowBins * p.dimT;
  for (let c = 0; c < chunks; c++) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
    const start = c * step;
    const keep = Math.min(step, source.length - start);
    await source.read(start - margin, inL, inR);
    fe.forward(inL, inR, p.dimT, spec);
    if (lowEnd > 0) for (let ch = 0; ch < 4; ch++) spec.fill(0, ch * plane, ch * plane + lowEnd);
    const out = await model(spec);
    if (out.length !== spec.length) throw new Error(`the separation model returned ${out.length} values, expected ${spec.length} ([1, 4, ${p.dimF}, ${p.dimT}])`);
    fe.inverse(out, p.dimT, outL, outR);
    const vocals = { left: new Float32Array(keep), right: new Float32Array(keep) };
    const acc = { left: new Float32Array(keep), right: new Float32Array(keep) };
    const g = p.compensate;
    const isVocals = p.primaryStem === "vocals";
    for (let i = 0; i < keep; i++) {
      const j = margin + i;
      const ml = inL[j]!, mr = inR[j]!;
      const pl = outL[j]! * g, pr = outR[j]! * g;
      const vl = isVocals ? pl : ml - pl;
      const vr = isVocals ? pr : mr - pr;
      vocals.left[i] = vl;
      vocals.right[i] = vr;
      acc.left[i] = ml - vl;
      acc.right[i] = mr - vr;
    }
    await sink(vocals, acc);
    await options.onChunk?.(c + 1, chunks);
  }
  return plan;
}

/** A StereoSource over two arrays in memory (tests, short clips). */
export function arraySource(left: Float32Array, right: Float32Array): StereoSource {
  return {
    length: left.length,
    async read(start, l, r) {
      for (let i = 0; i < l.length; i++) {
        const k = start + i;
        const inside = k >= 0 && k < left.length;
        l[i] = inside ? left[k]! : 0;
        r[i] = inside ? right[k]! : 0;
      }
    },
  };
}
