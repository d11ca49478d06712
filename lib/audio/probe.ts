/**
 * Probe one file as audio: ffmpeg decodes it once to 32-bit float (native rate and channels) on a pipe, and we
 * read the stream description from its log, count the real frames and accumulate level statistics on the way.
 * ffmpeg may only open local files and a short list of audio demuxers (no playlists, no network).
 */
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import { ALLOWED_DEMUXERS } from "./formats";
import { decodeSlot, ffmpegBinary } from "./ffmpeg";
import { errorLines, parseInputInfo, type InputInfo } from "./ffmpeg-log";
import { StatsAccumulator, type AudioStats } from "./stats";

export type AudioProblem = "empty" | "not_audio" | "no_audio_stream" | "no_samples" | "truncated" | "decode_failed";

/** The file is not usable audio; `message` says why in words a user understands. */
export class AudioRejected extends Error {
  override name = "AudioRejected";
  constructor(
    readonly problem: AudioProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface AudioProbe extends Omit<InputInfo, "declaredDurationSec"> {
  /** decoded frames / sample rate: the real length, not the header's claim */
  durationSec: number;
  frames: number;
  stats: AudioStats;
}

/** Truncated: the container promised noticeably more than could be decoded. */
export function looksTruncated(declaredSec: number | undefined, decodedSec: number): boolean {
  if (declaredSec === undefined || declaredSec <= 0) return false;
  return decodedSec < declaredSec * 0.95 - 0.25;
}

export function ffmpegInputArgs(file: string): string[] {
  return [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info",
    "-protocol_whitelist", "file,pipe", "-format_whitelist", ALLOWED_DEMUXERS.join(","),
    "-i", `file:${file}`,
  ];
}

function explain(log: string): AudioRejected {
  if (/matches no streams/.test(log)) {
    return new AudioRejected("no_audio_stream", "the file holds no audio stream");
  }
  const errors = errorLines(log);
  if (errors.length === 0 || /Invalid data found when processing input|format whitelist|detected only with low score/i.test(log)) {
    return new AudioRejected("not_audio", "not a readable audio file (wav, flac, mp3, ogg/opus, m4a/aac)");
  }
  return new AudioRejected("decode_failed", `the audio could not be decoded: ${errors[errors.length - 1]}`);
}

/** Decode the whole file once; `onSamples` sees interleaved float32 chunks of whole frames. */
export function runDecoder(
  file: string,
  onInfo: (info: InputInfo) => void,
  onSamples: (interleaved: Float32Array) => void,
  signal?: AbortSignal,
): Promise<{ info: InputInfo; log: string }> {
  const args = [...ffmpegInputArgs(file), "-map", "0:a:0", "-vn", "-sn", "-dn", "-c:a", "pcm_f32le", "-f", "f32le", "pipe:1"];
  return decodeSlot(
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(ffmpegBinary().path, args, { stdio: ["ignore", "pipe", "pipe"], signal });
        let log = "";
        let info: InputInfo | undefined;
        let frameBytes = 0;
        const pending: Buffer[] = [];
        let rest: Buffer = Buffer.alloc(0);
        let failed: Error | undefined;
        const feed = (chunk: Buffer) => {
          const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
          const whole = buf.length - (buf.length % frameBytes);
          if (whole > 0) {
            // copy into an aligned buffer: a Float32Array view needs a 4-byte aligned offset
            const f = new Float32Array(whole / 4);
            Buffer.from(f.buffer).set(buf.subarray(0, whole));
            try {
              onSamples(f);
            } catch (err) {
              failed = err as Error;
              child.kill("SIGKILL");
            }
          }
          rest = Buffer.from(buf.subarray(whole));
        };
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (d: string) => {
          log += d;
          if (!info && /\n\[\w+\] (Stream mapping:|Output #0)/.test(log)) {
            info = parseInputInfo(log);
            if (info) {
              frameBytes = 4 * info.channels;
              onInfo(info);
              for (const c of pending.splice(0)) feed(c);
            }
          }
        });
        child.stdout.on("data", (d: Buffer) => (info ? feed(d) : pending.push(d)));
        child.on("error", (err) => reject(err));
        child.on("close", (code) => {
          if (failed) return reject(failed);
          if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
          if (!info) info = parseInputInfo(log);
          if (code !== 0 || !info) return reject(explain(log));
          if (pending.length) {
            frameBytes = 4 * info.channels;
            onInfo(info);
            for (const c of pending.splice(0)) feed(c);
          }
          resolve({ info, log });
        });
      }),
  );
}

/**
 * For RIFF/WAVE: the data chunk's declared end versus the file size. ffmpeg trusts the file size for WAV, so a
 * cut-off WAV would otherwise pass. Streaming writers that leave the size 0 or 0xFFFFFFFF are not judged.
 */
export function wavDeclaredShortfall(head: Uint8Array, fileSize: number): number {
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const id = (at: number) => String.fromCharCode(head[at]!, head[at + 1]!, head[at + 2]!, head[at + 3]!);
  if (head.length < 12 || id(0) !== "RIFF" || id(8) !== "WAVE") return 0;
  for (let at = 12; at + 8 <= head.length; ) {
    const size = v.getUint32(at + 4, true);
    if (id(at) === "data") {
      if (size === 0 || size === 0xffffffff) return 0;
      return Math.max(0, at + 8 + size - fileSize);
    }
    at += 8 + size + (size % 2);
  }
  return 0;
}

/** Probe a file: format, real duration and level statistics, or AudioRejected with the reason. */
export async function probeAudio(file: string, signal?: AbortSignal): Promise<AudioProbe> {
  const { size } = await fs.stat(file);
  if (size === 0) throw new AudioRejected("empty", "the file is empty (0 bytes)");
  const head = new Uint8Array(Math.min(size, 65536));
  const fh = await fs.open(file, "r");
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const missing = wavDeclaredShortfall(head, size);
  if (missing > 0) {
    throw new AudioRejected("truncated", `the file is truncated: its WAV header declares ${missing} more bytes of audio than the file holds`);
  }
  let acc: StatsAccumulator | undefined;
  const { info, log } = await runDecoder(
    file,
    (i) => (acc = new StatsAccumulator(i.channels, i.sampleRate)),
    (s) => acc!.push(s),
    signal,
  );
  const frames = acc?.frames ?? 0;
  if (frames === 0) {
    const errors = errorLines(log);
    throw new AudioRejected("no_samples", errors.length ? `no audio could be decoded: ${errors[errors.length - 1]}` : "the file contains no audio samples");
  }
  const durationSec = frames / info.sampleRate;
  if (looksTruncated(info.declaredDurationSec, durationSec)) {
    throw new AudioRejected(
      "truncated",
      `the file is truncated: its header says ${info.declaredDurationSec!.toFixed(2)} s but only ${durationSec.toFixed(2)} s could be decoded`,
    );
  }
  const { declaredDurationSec: _declared, ...rest } = info;
  return { ...rest, durationSec, frames, stats: acc!.result() };
}
