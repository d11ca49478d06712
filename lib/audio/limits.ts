/**
 * Sanity limits on what an audio file's header may claim, checked before anything is decoded into memory: by the
 * probe (uploads, conversion inputs), by ffmpeg decoding (lib/audio/probe.ts#runDecoder) and by the worker's own
 * WAV decoder (worker/dsp/wav.ts). A 344 KB WAV whose header says 25 Hz "is" 6,884 s of audio; resampled in
 * memory that cost a worker 5 GB. Pure.
 */

export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 192_000;
export const MAX_CHANNELS = 8;
/**
 * No supported codec stores a second of audio in fewer bytes: digital silence, the most compressible input, measured
 * with ffmpeg's encoders at 8 kHz mono takes 64 B/s (AAC), 190 (FLAC), 377 (Opus with DTX), 1000 (MP3). A file that
 * claims or decodes to more seconds than size / this is refused as a lie or a decompression bomb.
 */
export const MIN_BYTES_PER_SECOND = 16;

export type HeaderProblem = "sample_rate" | "channels" | "inconsistent_header" | "length_beyond_size" | "truncated";

export interface HeaderIssue {
  problem: HeaderProblem;
  /** a sentence fragment naming the rule, e.g. "its sample rate 25 Hz is outside 8–192 kHz" */
  message: string;
}

const khz = (hz: number) => `${hz / 1000}`;

/** Sample rate and channel count within the limits, or the rule they break. */
export function formatIssue(sampleRate: number, channels: number): HeaderIssue | undefined {
  if (!Number.isFinite(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    return {
      problem: "sample_rate",
      message: `its sample rate ${sampleRate} Hz is outside ${khz(MIN_SAMPLE_RATE)}–${khz(MAX_SAMPLE_RATE)} kHz`,
    };
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    return { problem: "channels", message: `it has ${channels} channels; 1 to ${MAX_CHANNELS} are accepted` };
  }
  return undefined;
}

/** The most seconds of audio `bytes` can honestly hold (see MIN_BYTES_PER_SECOND). */
export const maxSecondsFor = (bytes: number): number => bytes / MIN_BYTES_PER_SECOND;

/** A duration (declared by the header or decoded so far) that the file's size cannot hold. */
export function lengthIssue(seconds: number, fileBytes: number, what: "claims" | "decodes to"): HeaderIssue | undefined {
  if (seconds <= maxSecondsFor(fileBytes)) return undefined;
  return {
    problem: "length_beyond_size",
    message:
      `it ${what} ${seconds >= 100 ? Math.round(seconds) : seconds.toFixed(2)} s of audio, more than its ${fileBytes} bytes can hold ` +
      `(at least ${MIN_BYTES_PER_SECOND} bytes per second)`,
  };
}

export interface WavFmt {
  /** 1 PCM, 3 float, other codecs as written; WAVE_FORMAT_EXTENSIBLE resolved to its sub-format */
  tag: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bits: number;
}

/**
 * For PCM and float WAV, where the header fully determines the length: the fields must agree with each other
 * (block align = channels × bytes per sample, byte rate = sample rate × block align), or the length a reader
 * derives from them cannot be trusted. Other codecs in a WAV (ADPCM, …) legitimately differ and are not judged.
 */
export function wavFmtIssue(f: WavFmt): HeaderIssue | undefined {
  const format = formatIssue(f.sampleRate, f.channels);
  if (format) return format;
  if (f.tag !== 1 && f.tag !== 3) return undefined;
  const frame = (f.channels * f.bits) / 8;
  if (f.bits % 8 !== 0 || f.blockAlign !== frame) {
    return {
      problem: "inconsistent_header",
      message: `its WAV header is inconsistent: block align ${f.blockAlign} does not match ${f.channels} channel(s) of ${f.bits} bits`,
    };
  }
  if (f.byteRate !== f.sampleRate * f.blockAlign) {
    return {
      problem: "inconsistent_header",
      message: `its WAV header is inconsistent: ${f.byteRate} bytes per second does not match ${f.sampleRate} Hz × ${f.blockAlign}-byte frames`,
    };
  }
  return undefined;
}

export interface WavLayout {
  fmt?: WavFmt;
  /** offset of the data chunk's body and its declared size (0 or 0xFFFFFFFF: left open by a streaming writer) */
  data?: { at: number; size: number };
  /** the fact chunk's frame count, when there is one before the data */
  factFrames?: number;
}

const id4 = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/** The chunks of a RIFF/WAVE header up to the data chunk, from the file's first bytes; undefined if not RIFF/WAVE. */
export function readWavLayout(head: Uint8Array): WavLayout | undefined {
  if (head.length < 12 || id4(head, 0) !== "RIFF" || id4(head, 8) !== "WAVE") return undefined;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const out: WavLayout = {};
  for (let at = 12; at + 8 <= head.length; ) {
    const id = id4(head, at);
    const size = v.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt " && size >= 16 && body + 16 <= head.length) {
      let tag = v.getUint16(body, true);
      if (tag === 0xfffe && size >= 40 && body + 26 <= head.length) tag = v.getUint16(body + 24, true);
      out.fmt = {
        tag,
        channels: v.getUint16(body + 2, true),
        sampleRate: v.getUint32(body + 4, true),
        byteRate: v.getUint32(body + 8, true),
        blockAlign: v.getUint16(body + 12, true),
        bits: v.getUint16(body + 14, true),
      };
    }
    if (id === "fact" && size >= 4 && body + 4 <= head.length) out.factFrames = v.getUint32(body, true);
    if (id === "data") {
      out.data = { at: body, size };
      break;
    }
    at = body + size + (size % 2);
  }
  return out;
}

/**
 * Everything a WAV header claims that can be checked against the file's size before decoding: format limits,
 * consistent PCM fields, a data chunk that fits in the file, a fact chunk that does not promise more frames
 * than the data holds.
 */
export function wavHeaderIssue(head: Uint8Array, fileSize: number): HeaderIssue | undefined {
  const w = readWavLayout(head);
  if (!w) return undefined;
  if (w.fmt) {
    const issue = wavFmtIssue(w.fmt);
    if (issue) return issue;
  }
  if (!w.data) return undefined;
  const open = w.data.size === 0 || w.data.size === 0xffffffff;
  const missing = open ? 0 : w.data.at + w.data.size - fileSize;
  if (missing > 0) {
    return {
      problem: "truncated",
      message: `the file is truncated: its WAV header declares ${missing} more bytes of audio than the file holds`,
    };
  }
  const pcm = w.fmt && (w.fmt.tag === 1 || w.fmt.tag === 3) && w.fmt.blockAlign > 0;
  if (pcm && w.factFrames) {
    const bytes = open ? fileSize - w.data.at : w.data.size;
    const frames = Math.floor(bytes / w.fmt!.blockAlign);
    if (w.factFrames > frames + 1) {
      return {
        problem: "inconsistent_header",
        message: `its WAV header claims ${w.factFrames} frames but the data chunk holds ${frames}`,
      };
    }
  }
  return undefined;
}
