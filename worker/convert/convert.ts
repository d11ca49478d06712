/**
 * Voice conversion of 16 kHz mono audio with an RVC model (rvc-formats §9.2), in TypeScript on onnxruntime-node:
 * peak guard → zero-phase high-pass → cut points for long inputs → reflect padding → pitch once over the padded
 * signal (rmvpe or YIN; shift; median filter for YIN) → per segment with 1 s of context on each side: content
 * features, retrieval blend with the model's index, ×2 upsampling, protect, synthesizer → the segment's own span of
 * output appended to `out`. Memory per step is bounded by one segment (≤ 43 s of audio).
 *
 * Departure from upstream, on purpose: each segment contributes exactly its own samples (upstream's segments overlap
 * by 10 ms and its last hop or two is lost to the feature frame rule), so the output is exactly as long as the input
 * at the model's rate.
 */
import { MIN_CONVERSION_SECONDS, type ConversionParams } from "../../lib/conversion-params";
import { f0ToCoarse, yinF0 } from "../dsp/f0";
import { rvcHighpassZeroPhaseInto } from "../dsp/highpass";
import { contentFeatures } from "../extract/content";
import { throwIfAborted } from "../extract/errors";
import { rmvpeF0 } from "../extract/rmvpe";
import type { ModelSession } from "../onnx/session";
import { searchIndex, type FeatureIndex } from "./faiss-index";
import {
  applyProtect,
  BlockEnergy,
  medianFilter3,
  peakGuardScale,
  reflectPadInPlace,
  retrievalWeights,
  segmentBounds,
  shiftPitch,
  SR16K,
  TIMING,
  upsample2,
  WINDOW,
} from "./plan";
import { synthesize, synthShape } from "./synth";

/** neighbours per frame in the retrieval (upstream's k) */
export const RETRIEVAL_K = 8;

export class ConversionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConversionInputError";
  }
}

export interface ConversionModels {
  synth: ModelSession;
  content: ModelSession;
  /** needed when params.f0Method is "rmvpe" */
  rmvpe: ModelSession | null;
  /** the model's retrieval index, if it has one */
  index: FeatureIndex | null;
}

export interface ConvertOptions {
  params: ConversionParams;
  /** the model's output rate (32000, 40000, 48000) */
  sampleRate: number;
  signal?: AbortSignal;
  /** stage name, done and total (audio seconds for "convert") */
  onProgress?: (stage: string, done: number, total: number) => void;
  random?: () => number;
  /** segment timing (seconds); tests shorten it to exercise the cuts */
  timing?: { xPad: number; xQuery: number; xCenter: number; xMax: number };
}

export interface ConvertSink {
  push(x: Float32Array): Promise<void>;
}

/** Pitch of the padded signal: [coarse, Hz] over `frames` frames (shifted, filtered as upstream). */
async function pitchTrack(padded: Float32Array, frames: number, models: ConversionModels, options: ConvertOptions): Promise<{ coarse: Int32Array; hz: Float32Array }> {
  const { f0Method, pitch, filterRadius } = options.params;
  let f0: Float64Array;
  if (f0Method === "rmvpe") {
    if (!models.rmvpe) throw new ConversionInputError("rmvpe was chosen but no RMVPE model is loaded");
    f0 = await rmvpeF0(models.rmvpe, padded, { signal: options.signal });
  } else {
    f0 = yinF0(padded);
    if (filterRadius > 2) f0 = medianFilter3(f0);
  }
  const hz = new Float64Array(frames);
  hz.set(f0.subarray(0, frames));
  shiftPitch(hz, pitch);
  return { coarse: f0ToCoarse(hz), hz: Float32Array.from(hz) };
}

/** feats ← retrieved·rate + feats·(1 − rate), per frame, with upstream's k = 8 inverse-square weights. */
export function blendWithIndex(feats: Float32Array, frames: number, dim: number, index: FeatureIndex, rate: number): void {
  if (index.dim !== dim) throw new ConversionInputError(`the model's index holds ${index.dim}-dim features but the content model gives ${dim}`);
  const mixed = new Float32Array(dim);
  for (let t = 0; t < frames; t++) {
    const o = t * dim;
    const nn = searchIndex(index, feats, o, RETRIEVAL_K);
    if (nn.rows.length === 0) continue;
    const w = retrievalWeights(nn.distances);
    mixed.fill(0);
    nn.rows.forEach((row, j) => {
      const v = row * dim;
      for (let i = 0; i < dim; i++) mixed[i] = mixed[i]! + w[j]! * index.vectors[v + i]!;
    });
    for (let i = 0; i < dim; i++) feats[o + i] = mixed[i]! * rate + feats[o + i]! * (1 - rate);
  }
}

/** The input as convertVoice works on it: checked, peak-guarded, high-passed and reflect-padded. */
export interface PreparedInput {
  /** the high-passed input with timing.xPad seconds of reflection on each side */
  padded: Float32Array;
  /** input samples (the middle of `padded`) */
  length: number;
}

/**
 * Check `input` (16 kHz mono) and build the one buffer convertVoice needs: peak guard → zero-phase high-pass →
 * reflect padding (the same samples as reflectPad(rvcHighpassZeroPhase(limitPeak(input))), without their copies;
 * a float64 work buffer lives while filtering). The caller may drop `input` afterwards.
 */
export function prepareInput(input: Float32Array, options: Pick<ConvertOptions, "timing"> = {}): PreparedInput {
  const timing = options.timing ?? TIMING;
  if (input.length < MIN_CONVERSION_SECONDS * SR16K) {
    throw new ConversionInputError(`the input is ${(input.length / SR16K).toFixed(2)} s long; at least ${MIN_CONVERSION_SECONDS} s is needed`);
  }
  for (let i = 0; i < input.length; i++) {
    if (!Number.isFinite(input[i]!)) throw new ConversionInputError(`input sample ${i} is not a finite number`);
  }
  const tPad = SR16K * timing.xPad;
  const padded = new Float32Array(input.length + 2 * tPad);
  rvcHighpassZeroPhaseInto(input, SR16K, padded, tPad, peakGuardScale(input));
  reflectPadInPlace(padded, tPad, input.length);
  return { padded, length: input.length };
}

/** Convert `input` (16 kHz mono) and append the result at options.sampleRate to `out`. Returns segments used. */
export async function convertVoice(input: Float32Array, models: ConversionModels, options: ConvertOptions, out: ConvertSink): Promise<ConvertResult> {
  return convertPrepared(prepareInput(input, options), models, options, out);
}

export interface ConvertResult {
  segments: number;
  outputSamples: number;
  inputRms: Float64Array;
}

/**
 * convertVoice after prepareInput: holds the padded input and one segment's tensors at a time (memory per step is
 * bounded by one segment, ≤ 43 s).
 */
export async function convertPrepared(prepared: PreparedInput, models: ConversionModels, options: ConvertOptions, out: ConvertSink): Promise<ConvertResult> {
  const { params, sampleRate } = options;
  const timing = options.timing ?? TIMING;
  const shape = synthShape(models.synth);
  const progress = options.onProgress ?? (() => {});
  const { padded } = prepared;
  const tPad = SR16K * timing.xPad;
  const tPadTgt = sampleRate * timing.xPad;
  if (padded.length !== prepared.length + 2 * tPad) throw new Error("convertPrepared: prepared with another timing");
  const audio = padded.subarray(tPad, tPad + prepared.length);
  // the RMS mix follows the high-passed input (upstream's change_rms gets the filtered signal): frame 16000, hop 8000
  const inputEnergy = new BlockEnergy(SR16K / 2);
  inputEnergy.push(audio);
  const bounds = segmentBounds(audio, timing);
  const pLen = Math.floor(padded.length / WINDOW);
  const ratio = sampleRate / SR16K;

  progress("pitch", 0, 1);
  const pitch = shape.usesPitch ? await pitchTrack(padded, pLen, models, options) : null;
  throwIfAborted(options.signal);
  const totalSeconds = audio.length / SR16K;
  let written = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    throwIfAborted(options.signal);
    const s = bounds[i]!, t = bounds[i + 1]!;
    progress("convert", s / SR16K, totalSeconds);
    const segment = padded.subarray(s, t + 2 * tPad);
    const feats = await contentFeatures(models.content, segment, { signal: options.signal, maxSeconds: timing.xMax + 2 * timing.xPad + 1 });
    const dim = feats.dim;
    const keepOriginal = shape.usesPitch && params.protect < 0.5;
    const original = keepOriginal ? feats.data.slice() : null;
    if (models.index && params.indexRate > 0) blendWithIndex(feats.data, feats.frames, dim, models.index, params.indexRate);
    const phone = upsample2(feats.data, feats.frames, dim);
    const frames = Math.min(Math.floor(segment.length / WINDOW), 2 * feats.frames);
    const first = s / WINDOW;
    const coarse = pitch ? pitch.coarse.subarray(first, first + frames) : new Int32Array(frames);
    const hz = pitch ? pitch.hz.subarray(first, first + frames) : new Float32Array(frames);
    if (original) applyProtect(phone, upsample2(original, feats.frames, dim), hz, frames, dim, params.protect);
    const wave = await synthesize(models.synth, shape, { phone, frames, dim, pitch: coarse, pitchf: hz, random: options.random });
    // output sample j is padded-input time s + j/ratio; this segment owns original samples [s, t)
    const want = Math.round(t * ratio) - Math.round(s * ratio);
    const own = new Float32Array(want);
    own.set(wave.subarray(tPadTgt, Math.min(wave.length, tPadTgt + want)));
    await out.push(own);
    written += want;
  }
  progress("convert", totalSeconds, totalSeconds);
  return { segments: bounds.length - 1, outputSamples: written, inputRms: inputEnergy.rms() };
}
