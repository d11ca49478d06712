// Content features from the ContentVec/HuBERT ONNX model (rvc-formats §3): 16 kHz mono float32 audio fed as
// [1, 1, N] (or [1, N] when the model's input has rank 2) → [1, T, C] with T = floor((N − 400)/320) + 1 and C = 768
// (v2, layer 12) or 256 (v1, layer 9 + final_proj) → float32 [T, C], the 3_feature768 / 3_feature256 content.
//
// Frame t covers input samples [320·t, 320·t + 400). A file of up to `maxSeconds` is one model call, exactly as
// upstream (no extra padding, whole utterance). A longer file is processed in chunks that start on the 320-sample
// grid, each with `contextSeconds` of audio on both sides; only its core frames are kept, so memory per call stays
// bounded and every output frame keeps the whole-file alignment. The real model's transformer attends over the whole
// chunk, so chunked features of a long file approximate the whole-file ones; a time-local model gives equal ones.
import { getSession, type ModelSession, type ProviderPreference, type SessionLog } from "../onnx/session";
import { planChunks } from "./chunking";
import { ExtractInputError, throwIfAborted } from "./errors";

export const CONTENT_SAMPLE_RATE = 16000;
export const CONTENT_HOP = 320;
export const CONTENT_WINDOW = 400;

export type ContentVersion = "v1" | "v2";
export const contentDim = (version: ContentVersion): number => (version === "v1" ? 256 : 768);

/** Feature frames for n samples at 16 kHz: floor((n − 400)/320) + 1, or 0 below 400 samples. */
export function contentFrameCount(n: number): number {
  return n < CONTENT_WINDOW ? 0 : Math.floor((n - CONTENT_WINDOW) / CONTENT_HOP) + 1;
}

export interface ContentOptions {
  /** expected feature width; default: whatever the model returns, if 768 or 256 */
  version?: ContentVersion;
  /** whole-utterance layer norm of the waveform (fairseq task.normalize; false for hubert_base / ContentVec) */
  normalize?: boolean;
  /** longest input fed in one call; default 30 s */
  maxSeconds?: number;
  /** context on each side of a chunk of a longer input; default 2 s */
  contextSeconds?: number;
  signal?: AbortSignal;
  /** called after each chunk with frames done and total */
  onProgress?: (doneFrames: number, totalFrames: number) => void;
  provider?: ProviderPreference;
  log?: SessionLog;
}

export const CONTENT_DEFAULTS = { maxSeconds: 30, contextSeconds: 2 } as const;

export interface ContentBlock {
  /** first feature frame of this block in the file */
  startFrame: number;
  frames: number;
  dim: number;
  /** row-major [frames, dim] */
  data: Float32Array;
}

export interface ContentFeatures {
  frames: number;
  dim: number;
  /** row-major [frames, dim], ready for encodeFeatures (worker/dsp/npy.ts) */
  data: Float32Array;
}

/** The content-model session for a path (env var HUBERT_PATH in errors), or the session given. */
export function contentSession(model: string | ModelSession, options: Pick<ContentOptions, "provider" | "log"> & { deviceId?: number } = {}): Promise<ModelSession> {
  if (typeof model !== "string") return Promise.resolve(model);
  return getSession(model, { envVar: "HUBERT_PATH", provider: options.provider, log: options.log, deviceId: options.deviceId });
}

function checkAudio(audio: Float32Array): number {
  const total = contentFrameCount(audio.length);
  if (total === 0) {
    throw new ExtractInputError(
      `audio is too short for content features: ${audio.length} samples, at least ${CONTENT_WINDOW} (25 ms at 16 kHz) needed`,
      "too-short",
    );
  }
  for (let i = 0; i < audio.length; i++) {
    if (!Number.isFinite(audio[i]!)) throw new ExtractInputError(`audio sample ${i} is not finite`, "not-finite");
  }
  return total;
}

/** (x − mean) / sqrt(var + 1e-5) over the whole waveform, like F.layer_norm(x, x.shape). */
export function layerNormWaveform(x: Float32Array): Float32Array {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  mean /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - mean) ** 2;
  const inv = 1 / Math.sqrt(v / x.length + 1e-5);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = (x[i]! - mean) * inv;
  return y;
}

/**
 * Content features block by block (one block per model call, in order, together covering frames [0, T) once), so a
 * caller can stream them to disk. Throws ExtractInputError for audio under 400 samples, non-finite samples, NaN in
 * the features (upstream then writes no file), or a model output of the wrong shape.
 */
export async function* contentFeatureBlocks(
  model: string | ModelSession,
  input: Float32Array,
  options: ContentOptions = {},
): AsyncGenerator<ContentBlock> {
  const total = checkAudio(input);
  const audio = options.normalize ? layerNormWaveform(input) : input;
  const session = await contentSession(model, options);
  const rank = session.inputs[0]?.shape.length ?? 3;
  const expectDim = options.version ? contentDim(options.version) : null;
  const maxSamples = Math.round((options.maxSeconds ?? CONTENT_DEFAULTS.maxSeconds) * CONTENT_SAMPLE_RATE);
  // in frames: a whole call of maxSamples holds contentFrameCount(maxSamples) frames
  const chunks = planChunks(total, {
    maxFrames: Math.max(1, contentFrameCount(maxSamples)),
    context: Math.round(((options.contextSeconds ?? CONTENT_DEFAULTS.contextSeconds) * CONTENT_SAMPLE_RATE) / CONTENT_HOP),
  });
  for (const c of chunks) {
    throwIfAborted(options.signal);
    const start = c.inStart * CONTENT_HOP;
    const end = Math.min(audio.length, (c.inEnd - 1) * CONTENT_HOP + CONTENT_WINDOW);
    // the whole file when it is one chunk: upstream feeds every sample, including the tail past the last frame
    const piece = chunks.length === 1 ? audio : audio.slice(start, end);
    const n = piece.length;
    const dims = rank === 2 ? [1, n] : [1, 1, n];
    const [out] = await session.run([session.float32(piece, dims)]);
    const od = out?.dims ?? [];
    const frames = c.inEnd - c.inStart;
    const dim = od[2] ?? 0;
    if (!out || out.type !== "float32" || od.length !== 3 || od[0] !== 1 || od[1] !== frames || (dim !== 768 && dim !== 256)) {
      throw new ExtractInputError(
        `content model returned ${out ? `${out.type} [${od.join(", ")}]` : "nothing"} for ${n} samples; ` +
          `expected float32 [1, ${frames}, 768 or 256] (T = floor((N − 400)/320) + 1, rvc-formats §3.5)`,
        "model-output",
      );
    }
    if (expectDim !== null && dim !== expectDim) {
      throw new ExtractInputError(
        `content model gives ${dim}-dim features but ${options.version} needs ${expectDim} (HUBERT_PATH points at the wrong model?)`,
        "model-output",
      );
    }
    const data = out.data as Float32Array;
    const from = (c.coreStart - c.inStart) * dim;
    const to = (c.coreEnd - c.inStart) * dim;
    for (let i = from; i < to; i++) {
      if (Number.isNaN(data[i]!)) {
        throw new ExtractInputError(`content features contain NaN (frame ${c.inStart + Math.floor(i / dim)})`, "not-finite");
      }
    }
    yield { startFrame: c.coreStart, frames: c.coreEnd - c.coreStart, dim, data: data.slice(from, to) };
    options.onProgress?.(c.coreEnd, total);
  }
}

/** All content features of one file: float32 [T, C] with T = floor((N − 400)/320) + 1. */
export async function contentFeatures(
  model: string | ModelSession,
  audio: Float32Array,
  options: ContentOptions = {},
): Promise<ContentFeatures> {
  const total = contentFrameCount(audio.length);
  let data: Float32Array | null = null;
  let dim = 0;
  for await (const block of contentFeatureBlocks(model, audio, options)) {
    if (!data) {
      dim = block.dim;
      data = new Float32Array(total * dim);
    }
    data.set(block.data, block.startFrame * dim);
  }
  return { frames: total, dim, data: data ?? new Float32Array(0) };
}
