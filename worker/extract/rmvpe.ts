// RMVPE pitch (rvc-formats §2.7–2.8): log-mel [1, 128, T] (T padded with log-mel 0 up to a multiple of 32) →
// ONNX model → salience [1, T, 360] → RVC's decoding (local weighted average of cents around the argmax, voiced if
// the peak salience exceeds 0.03) → Hz at 100 frames/s, N//160 + 1 frames, 0 where unvoiced (float64, the
// 2b-f0nsf content). Long inputs run in bounded chunks with context (see chunking.ts): an input of up to `maxFrames`
// frames is one call, exactly as upstream; longer ones are split, which for the real model (a bidirectional GRU over
// the whole chunk) is a close approximation, and for a time-local model exact.
import { getSession, type ModelSession, type ProviderPreference, type SessionLog } from "../onnx/session";
import { planChunks } from "./chunking";
import { ExtractInputError, throwIfAborted } from "./errors";
import { logMelInto, RMVPE_MEL, stftFrameCount } from "./mel";

export const RMVPE_BINS = 360;
/** cents of bin k = 20·k + RMVPE_CENTS_OFFSET */
export const RMVPE_CENTS_OFFSET = 1997.3794084376191;
export const RMVPE_CENTS_PER_BIN = 20;
/** voicing threshold on the peak salience (RVC's `thred`) */
export const RMVPE_THRESHOLD = 0.03;
/** the model needs T to be a multiple of this */
export const RMVPE_FRAME_MULTIPLE = 32;
/** log-mel value of the right padding (upstream pads with constant 0, i.e. amplitude 1) */
export const RMVPE_PAD_VALUE = 0;

/** Hz of a cents value on RMVPE's scale: 10·2^(cents/1200). */
export const centsToHz = (cents: number): number => 10 * 2 ** (cents / 1200);
/** Hz at the centre of bin k. */
export const rmvpeBinHz = (k: number): number => centsToHz(RMVPE_CENTS_PER_BIN * k + RMVPE_CENTS_OFFSET);

/**
 * Decode `frames` rows of salience (row-major [*, 360], starting at row `fromRow`) into Hz, written to
 * out[outOffset …]. Per frame: argmax bin c (first on ties); cents = Σ s_k·cents_k / Σ s_k over k = c−4 … c+4
 * (bins outside 0…359 count as salience 0); cents = 0 if the peak salience ≤ threshold; Hz = 10·2^(cents/1200),
 * and exactly 10 Hz (cents 0) becomes 0.
 */
export function decodeSalienceInto(
  salience: ArrayLike<number>,
  fromRow: number,
  frames: number,
  out: Float64Array,
  outOffset = 0,
  threshold = RMVPE_THRESHOLD,
): void {
  for (let t = 0; t < frames; t++) {
    const row = (fromRow + t) * RMVPE_BINS;
    let c = 0;
    let peak = salience[row]!;
    for (let k = 1; k < RMVPE_BINS; k++) {
      const s = salience[row + k]!;
      if (s > peak) {
        peak = s;
        c = k;
      }
    }
    let cents = 0;
    if (peak > threshold) {
      let num = 0, den = 0;
      for (let k = Math.max(0, c - 4); k <= Math.min(RMVPE_BINS - 1, c + 4); k++) {
        const s = salience[row + k]!;
        num += s * (RMVPE_CENTS_PER_BIN * k + RMVPE_CENTS_OFFSET);
        den += s;
      }
      cents = num / den;
    }
    const hz = centsToHz(cents);
    out[outOffset + t] = hz === 10 ? 0 : hz;
  }
}

/** Decode a whole salience array [T, 360]. */
export function decodeSalience(salience: ArrayLike<number>, threshold = RMVPE_THRESHOLD): Float64Array {
  if (salience.length % RMVPE_BINS !== 0) throw new Error(`salience length ${salience.length} is not a multiple of 360`);
  const frames = salience.length / RMVPE_BINS;
  const out = new Float64Array(frames);
  decodeSalienceInto(salience, 0, frames, out, 0, threshold);
  return out;
}

export interface RmvpeOptions {
  threshold?: number;
  /** most frames per model call (a multiple of 32); default 3008 ≈ 30 s */
  maxFrames?: number;
  /** context frames on each side of a chunk when the input is longer than maxFrames; default 256 (2.56 s) */
  contextFrames?: number;
  signal?: AbortSignal;
  /** called after each chunk with frames done and total */
  onProgress?: (doneFrames: number, totalFrames: number) => void;
  provider?: ProviderPreference;
  log?: SessionLog;
}

export const RMVPE_DEFAULTS = { maxFrames: 3008, contextFrames: 256 } as const;

/** The RMVPE session for a model path (env var RMVPE_PATH in errors), or the session given. */
export function rmvpeSession(model: string | ModelSession, options: Pick<RmvpeOptions, "provider" | "log"> & { deviceId?: number } = {}): Promise<ModelSession> {
  if (typeof model !== "string") return Promise.resolve(model);
  return getSession(model, { envVar: "RMVPE_PATH", provider: options.provider, log: options.log, deviceId: options.deviceId });
}

/** Salience of log-mel frames [inStart, inEnd) of `audio`: a Float32Array [inEnd − inStart (padded), 360]. */
async function salienceFor(session: ModelSession, audio: Float32Array, inStart: number, inEnd: number): Promise<Float32Array> {
  const frames = inEnd - inStart;
  const padded = Math.ceil(frames / RMVPE_FRAME_MULTIPLE) * RMVPE_FRAME_MULTIPLE;
  const mel = new Float32Array(RMVPE_MEL.nMels * padded);
  if (RMVPE_PAD_VALUE !== 0) mel.fill(RMVPE_PAD_VALUE);
  logMelInto(audio, inStart, frames, { out: mel, stride: padded });
  const [out] = await session.run([session.float32(mel, [1, RMVPE_MEL.nMels, padded])]);
  const dims = out?.dims ?? [];
  if (!out || out.type !== "float32" || dims.length !== 3 || dims[0] !== 1 || dims[2] !== RMVPE_BINS || dims[1]! < frames) {
    throw new ExtractInputError(
      `RMVPE model returned ${out ? `${out.type} [${dims.join(", ")}]` : "nothing"} for a [1, 128, ${padded}] log-mel; expected float32 [1, ${padded}, 360]`,
      "model-output",
    );
  }
  return out.data as Float32Array;
}

/**
 * Pitch in Hz of 16 kHz mono audio with RMVPE: N//160 + 1 frames (float64, 0 = unvoiced), the 2b-f0nsf content;
 * f0ToCoarse (worker/dsp/f0.ts) gives the 2a_f0 content.
 */
export async function rmvpeF0(model: string | ModelSession, audio: Float32Array, options: RmvpeOptions = {}): Promise<Float64Array> {
  if (audio.length === 0) throw new ExtractInputError("audio is empty", "too-short");
  for (let i = 0; i < audio.length; i++) {
    if (!Number.isFinite(audio[i]!)) throw new ExtractInputError(`audio sample ${i} is not finite`, "not-finite");
  }
  const session = await rmvpeSession(model, options);
  const maxFrames = options.maxFrames ?? RMVPE_DEFAULTS.maxFrames;
  if (maxFrames % RMVPE_FRAME_MULTIPLE !== 0) throw new Error(`maxFrames must be a multiple of 32, got ${maxFrames}`);
  const total = stftFrameCount(audio.length, RMVPE_MEL.hop);
  const f0 = new Float64Array(total);
  const chunks = planChunks(total, {
    maxFrames,
    context: options.contextFrames ?? RMVPE_DEFAULTS.contextFrames,
    align: RMVPE_FRAME_MULTIPLE,
  });
  for (const c of chunks) {
    throwIfAborted(options.signal);
    const sal = await salienceFor(session, audio, c.inStart, c.inEnd);
    decodeSalienceInto(sal, c.coreStart - c.inStart, c.coreEnd - c.coreStart, f0, c.coreStart, options.threshold ?? RMVPE_THRESHOLD);
    options.onProgress?.(c.coreEnd, total);
  }
  return f0;
}
