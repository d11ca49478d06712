/**
 * The RVC synthesizer ONNX (rvc-formats §9.4): inputs by position (phone [1,T,C], phone_lengths [1], pitch [1,T]
 * int64, pitchf [1,T], ds [1], rnd [1,192,T]) → audio [1,1,T·hop]. A model exported without pitch has four inputs
 * (phone, phone_lengths, ds, rnd).
 */
import type { ModelSession } from "../onnx/session";
import { priorNoise } from "./plan";

export class SynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SynthError";
  }
}

export interface SynthShape {
  /** feature width the model takes (768 v2, 256 v1) */
  dim: number | null;
  /** channels of the prior noise input */
  noiseChannels: number;
  usesPitch: boolean;
}

export function synthShape(session: ModelSession): SynthShape {
  const n = session.inputs.length;
  if (n !== 6 && n !== 4) {
    throw new SynthError(`the model's ONNX takes ${n} inputs; an RVC synthesizer takes 6 (phone, phone_lengths, pitch, pitchf, ds, rnd) or 4 without pitch`);
  }
  const phoneDim = session.inputs[0]!.shape[2];
  const noise = session.inputs[n - 1]!.shape[1];
  return {
    dim: typeof phoneDim === "number" ? phoneDim : null,
    noiseChannels: typeof noise === "number" ? noise : 192,
    usesPitch: n === 6,
  };
}

export interface SynthInput {
  /** [frames, dim] row-major, already upsampled ×2 */
  phone: Float32Array;
  frames: number;
  dim: number;
  /** coarse pitch 1…255 per frame (ignored by a model without pitch) */
  pitch: Int32Array;
  /** Hz per frame, 0 = unvoiced */
  pitchf: Float32Array;
  speaker?: number;
  random?: () => number;
}

/** One synthesizer call; returns the waveform in −1…1 (frames · hop samples). */
export async function synthesize(session: ModelSession, shape: SynthShape, input: SynthInput): Promise<Float32Array> {
  const { frames, dim } = input;
  if (shape.dim !== null && dim !== shape.dim) {
    throw new SynthError(`the model takes ${shape.dim}-dim content features but the content model gives ${dim} (v1/v2 mismatch with HUBERT_PATH?)`);
  }
  const phone = session.float32(input.phone.subarray(0, frames * dim), [1, frames, dim]);
  const lengths = session.int64(BigInt64Array.of(BigInt(frames)), [1]);
  const ds = session.int64(BigInt64Array.of(BigInt(input.speaker ?? 0)), [1]);
  const rnd = session.float32(priorNoise(shape.noiseChannels, frames, input.random), [1, shape.noiseChannels, frames]);
  let feeds;
  if (shape.usesPitch) {
    const pitch = new BigInt64Array(frames);
    for (let i = 0; i < frames; i++) pitch[i] = BigInt(input.pitch[i]!);
    feeds = [phone, lengths, session.int64(pitch, [1, frames]), session.float32(input.pitchf.subarray(0, frames), [1, frames]), ds, rnd];
  } else {
    feeds = [phone, lengths, ds, rnd];
  }
  const [out] = await session.run(feeds);
  if (!out || out.type !== "float32" || out.dims.length < 1) {
    throw new SynthError(`the synthesizer returned ${out ? `${out.type} [${out.dims.join(", ")}]` : "nothing"}; expected float32 [1, 1, frames·hop]`);
  }
  return out.data as Float32Array;
}
