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
import { formatIssue, lengthIssue, wavHeaderIssue, type HeaderIssue, type HeaderProblem } from "./limits";
import { StatsAccumulator, type AudioStats } from "./stats";

export type AudioProblem = "empty" | "not_audio" | "no_audio_stream" | "no_samples" | "truncated" | "decode_failed" | HeaderProblem;

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

const rejected = (issue: HeaderIssue) => new AudioRejected(issue.problem, issue.message);

export interface AudioProbe extends Omit<InputInfo, "declaredDurationSec" | "layout"> {
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

/**
 * Decode the whole file once; `onSamples` sees interleaved float32 chunks of whole frames. The stream's header is
 * checked before any sample is handed on (sample rate, channels, a declared length the file's size cannot hold),
 * and the decoded length is checked as it grows, so a hostile file is refused (AudioRejected) and ffmpeg killed
 * before the caller has buffered anything.
 */
export async function runDecoder(
  file: string,
  onInfo: (info: InputInfo) => void,
  onSamples: (interleaved: Float32Array) => void,
  signal?: AbortSignal,
): Promise<{ info: InputInfo; log: string }> {
  const { size: fileBytes } = await fs.stat(file);
  const args = [...ffmpegInputArgs(file), "-map", "0:a:0", "-vn", "-sn", "-dn", "-c:a", "pcm_f32le", "-f", "f32le", "pipe:1"];
  return decodeSlot(
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(ffmpegBinary().path, args, { stdio: ["ignore", "pipe", "pipe"], signal });
        let log = "";
        let info: InputInfo | undefined;
        let frameBytes = 0;
        let frames = 0;
        const pending: Buffer[] = [];
        let rest: Buffer = Buffer.alloc(0);
        let failed: Error | undefined;
        const fail = (err: Error) => {
          failed ??= err;
          child.kill("SIGKILL");
        };
        const feed = (chunk: Buffer) => {
          if (failed) return;
          const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
          const whole = buf.length - (buf.length % frameBytes);
          if (whole > 0) {
            frames += whole / frameBytes;
            const tooLong = lengthIssue(frames / info!.sampleRate, fileBytes, "decodes to");
            if (tooLong) return fail(rejected(tooLong));
            // copy into an aligned buffer: a Float32Array view needs a 4-byte aligned offset
            const f = new Float32Array(whole / 4);
            Buffer.from(f.buffer).set(buf.subarray(0, whole));
            try {
              onSamples(f);
            } catch (err) {
              return fail(err as Error);
            }
          }
          rest = Buffer.from(buf.subarray(whole));
        };
        /** the header's claims, before any sample is passed on */
        const accept = (i: InputInfo): boolean => {
          const issue = formatIssue(i.sampleRate, i.channels) ?? lengthIssue(i.declaredDurationSec ?? 0, fileBytes, "claims");
          if (issue) {
            fail(rejected(issue));
            return false;
          }
          frameBytes = 4 * i.channels;
          try {
            onInfo(i);
          } catch (err) {
            fail(err as Error);
            return false;
          }
          return true;
        };
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (d: string) => {
          log += d;
          if (!info && !failed && /\n\[\w+\] (Stream mapping:|Output #0)/.test(log)) {
            info = parseInputInfo(log);
            if (info && accept(info)) for (const c of pending.splice(0)) feed(c);
          }
        });
        child.stdout.on("data", (d: Buffer) => (info ? feed(d) : pending.push(d)));
        child.on("error", (err) => reject(err));
        child.on("close", (code) => {
          if (failed) return reject(failed);
          if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
          const late = !info;
          if (!info) info = parseInputInfo(log);
          if (code !== 0 || !info) return reject(explain(log));
          if (late) {
            if (!accept(info)) return reject(failed);
            for (const c of pending.splice(0)) feed(c);
            if (failed) return reject(failed);
          }
          resolve({ info, log });
        });
      }),
  );
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
  // a WAV header's claims are checked before ffmpeg runs (ffmpeg trusts the file size, so a cut-off WAV would pass)
  const wavIssue = wavHeaderIssue(head, size);
  if (wavIssue) throw rejected(wavIssue);
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
  const { declaredDurationSec: _declared, layout: _layout, ...rest } = info;
  return { ...rest, durationSec, frames, stats: acc!.result() };
}
