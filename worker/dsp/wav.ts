// WAV (RIFF) encode/decode over bytes. We write float32 (format 3) exactly as scipy's
// wavfile.write lays it out (fmt of 18 bytes + fact chunk, 58-byte header), because RVC's
// trainer reads gt WAVs as-is and needs floats in [−1, 1] (rvc-formats §1.6).
// The decoder applies the same header limits as the upload probe (lib/audio/limits.ts) as a second line of
// defence: a file that claims 25 Hz must not reach the resampler.

import { wavFmtIssue, type WavFmt } from "../../lib/audio/limits";

export class WavError extends Error {
  override name = "WavError";
}

export interface DecodedWav {
  sampleRate: number;
  /** one Float32Array per channel, samples in [−1, 1) for integer formats */
  channels: Float32Array[];
  /** 1 = integer PCM, 3 = IEEE float (after resolving WAVE_FORMAT_EXTENSIBLE) */
  formatTag: 1 | 3;
  bitsPerSample: number;
  /** WAVE_FORMAT_EXTENSIBLE's speaker mask, when the file has one (for the downmix) */
  channelMask?: number;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const FLOAT_HEADER_BYTES = 58;

function ascii(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}

function writeAscii(view: DataView, at: number, s: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(at + i, s.charCodeAt(i));
}

/** Encode channels (all the same length) as a 32-bit float WAV; a single array means mono. */
export function encodeWavFloat32(channels: Float32Array | readonly Float32Array[], sampleRate: number): Uint8Array {
  const chans = channels instanceof Float32Array ? [channels] : channels;
  const nch = chans.length;
  if (nch < 1 || nch > 65535) throw new WavError(`cannot write ${nch} channels`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new WavError(`bad sample rate ${sampleRate}`);
  }
  const frames = chans[0]!.length;
  if (chans.some((c) => c.length !== frames)) throw new WavError("channels differ in length");
  const dataBytes = frames * nch * 4;
  if (FLOAT_HEADER_BYTES + dataBytes - 8 > 0xffffffff) throw new WavError("too long for a RIFF file");
  const out = new Uint8Array(FLOAT_HEADER_BYTES + dataBytes);
  const v = new DataView(out.buffer);
  writeAscii(v, 0, "RIFF");
  v.setUint32(4, out.length - 8, true);
  writeAscii(v, 8, "WAVE");
  writeAscii(v, 12, "fmt ");
  v.setUint32(16, 18, true);
  v.setUint16(20, FORMAT_FLOAT, true);
  v.setUint16(22, nch, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * nch * 4, true);
  v.setUint16(32, nch * 4, true);
  v.setUint16(34, 32, true);
  v.setUint16(36, 0, true); // cbSize
  writeAscii(v, 38, "fact");
  v.setUint32(42, 4, true);
  v.setUint32(46, frames, true);
  writeAscii(v, 50, "data");
  v.setUint32(54, dataBytes, true);
  let at = FLOAT_HEADER_BYTES;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++) {
      v.setFloat32(at, chans[c]![i]!, true);
      at += 4;
    }
  }
  return out;
}

/** The fields of a fmt chunk (the type the header limits check), and the extensible speaker mask. */
type Fmt = WavFmt & { channelMask?: number };

function readFmt(v: DataView, at: number, size: number): Fmt {
  if (size < 16) throw new WavError(`fmt chunk too short (${size} bytes)`);
  let tag = v.getUint16(at, true);
  const bits = v.getUint16(at + 14, true);
  let channelMask: number | undefined;
  if (tag === FORMAT_EXTENSIBLE) {
    // the real format is the first two bytes of the sub-format GUID
    if (size < 40) throw new WavError("WAVE_FORMAT_EXTENSIBLE fmt chunk too short");
    tag = v.getUint16(at + 24, true);
    channelMask = v.getUint32(at + 20, true);
  }
  return {
    ...(channelMask ? { channelMask } : {}),
    tag,
    channels: v.getUint16(at + 2, true),
    sampleRate: v.getUint32(at + 4, true),
    byteRate: v.getUint32(at + 8, true),
    blockAlign: v.getUint16(at + 12, true),
    bits,
  };
}

type SampleReader = (v: DataView, at: number) => number;

function sampleReader(fmt: Fmt): SampleReader {
  if (fmt.tag === FORMAT_PCM) {
    switch (fmt.bits) {
      case 8:
        return (v, at) => (v.getUint8(at) - 128) / 128;
      case 16:
        return (v, at) => v.getInt16(at, true) / 32768;
      case 24:
        return (v, at) => ((v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16)) / 8388608);
      case 32:
        return (v, at) => v.getInt32(at, true) / 2147483648;
    }
  } else if (fmt.tag === FORMAT_FLOAT) {
    if (fmt.bits === 32) return (v, at) => v.getFloat32(at, true);
    if (fmt.bits === 64) return (v, at) => v.getFloat64(at, true);
  } else {
    throw new WavError(`unsupported WAV format tag ${fmt.tag} (only PCM and IEEE float)`);
  }
  throw new WavError(`unsupported ${fmt.tag === FORMAT_PCM ? "PCM" : "float"} sample size: ${fmt.bits} bits`);
}

/**
 * Decode a RIFF/WAVE file: integer PCM 8/16/24/32-bit or float 32/64-bit, plain or
 * WAVE_FORMAT_EXTENSIBLE. A data size that overruns the file (streamed writers) is clamped.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || ascii(v, 0) !== "RIFF" || ascii(v, 8) !== "WAVE") {
    throw new WavError("not a RIFF/WAVE file");
  }
  let fmt: Fmt | undefined;
  let dataAt = -1;
  let dataSize = 0;
  for (let at = 12; at + 8 <= bytes.byteLength; ) {
    const id = ascii(v, at);
    const size = v.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") fmt = readFmt(v, body, Math.min(size, bytes.byteLength - body));
    if (id === "data") {
      dataAt = body;
      dataSize = Math.min(size, bytes.byteLength - body);
      break;
    }
    at = body + size + (size % 2); // chunks are word-aligned
  }
  const { format, read, frameBytes } = checkedFormat(fmt, dataAt);
  const width = format.bits / 8;
  const frames = Math.floor(dataSize / frameBytes);
  const channels = Array.from({ length: format.channels }, () => new Float32Array(frames));
  let at = dataAt;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < format.channels; c++) {
      channels[c]![i] = read(v, at);
      at += width;
    }
  }
  const mask = format.channelMask ? { channelMask: format.channelMask } : {};
  return { sampleRate: format.sampleRate, channels, formatTag: format.tag as 1 | 3, bitsPerSample: format.bits, ...mask };
}

/** The rules every WAV header must pass (whole-file and block-wise decoding alike): the limits of lib/audio/limits. */
function checkedFormat(fmt: Fmt | undefined, dataAt: number): { format: Fmt; read: SampleReader; frameBytes: number } {
  if (!fmt) throw new WavError("no fmt chunk before the data");
  if (dataAt < 0) throw new WavError("no data chunk");
  if (fmt.channels < 1) throw new WavError("WAV declares 0 channels");
  if (fmt.sampleRate < 1) throw new WavError("WAV declares sample rate 0");
  const issue = wavFmtIssue(fmt);
  if (issue) throw new WavError(`refused: ${issue.message}`);
  const read = sampleReader(fmt);
  const frameBytes = fmt.channels * (fmt.bits / 8);
  if (fmt.blockAlign !== 0 && fmt.blockAlign !== frameBytes) {
    throw new WavError(`block align ${fmt.blockAlign} does not match ${fmt.channels}×${fmt.bits}-bit samples`);
  }
  return { format: fmt, read, frameBytes };
}

/** Channels → mono: ffmpeg's `-ac 1` gains (worker/dsp/downmix.ts), the one downmix. */
export { downmix } from "./downmix";

/** Where a WAV file's samples are and how to read them, for decoding block by block. */
export interface WavLayout {
  sampleRate: number;
  channels: number;
  formatTag: 1 | 3;
  bitsPerSample: number;
  /** byte offset of the first sample */
  dataOffset: number;
  /** whole frames in the data chunk (clamped to the file, as decodeWav) */
  frames: number;
  frameBytes: number;
  /** WAVE_FORMAT_EXTENSIBLE's speaker mask, when the file has one */
  channelMask?: number;
}

/**
 * The layout of a RIFF/WAVE file of `size` bytes, found by reading only chunk headers through `read(position,
 * length)` (positional reads), with the same rules as decodeWav; throws WavError where decodeWav would.
 */
export async function readWavLayout(read: (position: number, length: number) => Promise<Uint8Array>, size: number): Promise<WavLayout> {
  const head = await read(0, Math.min(12, size));
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.byteLength < 12 || ascii(hv, 0) !== "RIFF" || ascii(hv, 8) !== "WAVE") throw new WavError("not a RIFF/WAVE file");
  let fmt: Fmt | undefined;
  let dataAt = -1;
  let dataSize = 0;
  for (let at = 12; at + 8 <= size; ) {
    const h = await read(at, 8);
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    const id = ascii(v, 0);
    const chunkSize = v.getUint32(4, true);
    const body = at + 8;
    if (id === "fmt ") {
      const n = Math.min(chunkSize, size - body, 64); // readFmt looks at the first 40 bytes at most
      const b = await read(body, n);
      fmt = readFmt(new DataView(b.buffer, b.byteOffset, b.byteLength), 0, Math.min(chunkSize, size - body));
    }
    if (id === "data") {
      dataAt = body;
      dataSize = Math.min(chunkSize, size - body);
      break;
    }
    at = body + chunkSize + (chunkSize % 2);
  }
  const { format, frameBytes } = checkedFormat(fmt, dataAt);
  return {
    sampleRate: format.sampleRate,
    channels: format.channels,
    formatTag: format.tag as 1 | 3,
    bitsPerSample: format.bits,
    dataOffset: dataAt,
    frames: Math.floor(dataSize / frameBytes),
    frameBytes,
    ...(format.channelMask ? { channelMask: format.channelMask } : {}),
  };
}

/** Decode whole frames of sample bytes (a block of the data chunk) into one Float32Array per channel, as decodeWav. */
export function decodeWavFrames(layout: WavLayout, bytes: Uint8Array): Float32Array[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = sampleReader({ tag: layout.formatTag, channels: layout.channels, sampleRate: layout.sampleRate, byteRate: layout.sampleRate * layout.frameBytes, blockAlign: layout.frameBytes, bits: layout.bitsPerSample });
  const width = layout.bitsPerSample / 8;
  const frames = Math.floor(bytes.byteLength / layout.frameBytes);
  const channels = Array.from({ length: layout.channels }, () => new Float32Array(frames));
  let at = 0;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < layout.channels; c++) {
      channels[c]![i] = read(v, at);
      at += width;
    }
  }
  return channels;
}
