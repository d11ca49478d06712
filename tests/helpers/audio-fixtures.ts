/**
 * Real audio files for tests, made on the spot: speech from espeak-ng, conversions by sox and by the ffmpeg the
 * app itself uses (lib/audio/ffmpeg.ts), signals written in code. Every helper returns the new file's path.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeWav, encodeWavFloat32 } from "../../worker/dsp/wav";
import { packagedFfmpeg } from "../../lib/audio/ffmpeg";

export function tempDir(prefix = "vs-audio-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function ffmpegForTests(): string {
  const p = packagedFfmpeg();
  if (!p) throw new Error("the @ffmpeg-installer binary is missing: run npm ci");
  return p;
}

/** espeak-ng speech (22050 Hz mono 16-bit WAV) */
export function speechWav(dir: string, name = "speech.wav", text = "The quick brown fox jumps over the lazy dog."): string {
  const out = path.join(dir, name);
  execFileSync("espeak-ng", ["-w", out, text]);
  return out;
}

/**
 * A song-like clip: speech (espeak-ng, 44.1 kHz stereo by sox) over A-major chords and a noise burst on every beat
 * (120 bpm), float32 stereo WAV: something vocal separation has to pull apart.
 */
export function songLikeWav(dir: string, name = "song.wav", text = "Here comes the singer over the band, one two three four."): string {
  const speech = speechWav(dir, `${path.parse(name).name}-voice.wav`, text);
  const stereo = path.join(dir, `${path.parse(name).name}-voice44.wav`);
  execFileSync("sox", [speech, "-r", "44100", "-c", "2", "-e", "floating-point", "-b", "32", stereo]);
  const v = decodeWav(fs.readFileSync(stereo));
  const rate = 44100;
  const n = v.channels[0]!.length;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  let seed = 7;
  const noise = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const beat = (t * 2) % 1;
    const drum = beat < 0.04 ? noise() * 0.4 * (1 - beat / 0.04) : 0;
    const chord = [220, 277.18, 329.63].reduce((s, f) => s + 0.07 * Math.sin(2 * Math.PI * f * t), 0);
    l[i] = 0.8 * v.channels[0]![i]! + chord + drum;
    r[i] = 0.8 * v.channels[1]![i]! + 0.8 * chord + drum;
  }
  const out = path.join(dir, name);
  fs.writeFileSync(out, encodeWavFloat32([l, r], rate));
  return out;
}

export function sox(dir: string, input: string, name: string, ...effectsAndOpts: string[]): string {
  const out = path.join(dir, name);
  // options before the output name, e.g. ["-b", "24"]; effects after it are not needed here
  execFileSync("sox", [input, ...effectsAndOpts, out]);
  return out;
}

export function ffmpegConvert(dir: string, input: string, name: string, ...opts: string[]): string {
  const out = path.join(dir, name);
  execFileSync(ffmpegForTests(), ["-hide_banner", "-loglevel", "error", "-y", "-i", input, ...opts, out]);
  return out;
}

/** A float32 WAV of a sine (amplitude may exceed 1 to make clipping) with optional leading silence. */
export function sineWav(
  dir: string,
  name: string,
  o: { seconds: number; rate?: number; freq?: number; amp?: number; silentSeconds?: number; channels?: number },
): string {
  const rate = o.rate ?? 16000;
  const n = Math.round(o.seconds * rate);
  const silent = Math.round((o.silentSeconds ?? 0) * rate);
  const ch = new Float32Array(n);
  for (let i = silent; i < n; i++) ch[i] = (o.amp ?? 0.5) * Math.sin((2 * Math.PI * (o.freq ?? 220) * i) / rate);
  const out = path.join(dir, name);
  fs.writeFileSync(out, encodeWavFloat32(Array.from({ length: o.channels ?? 1 }, () => ch), rate));
  return out;
}

/** A 16-bit PCM mono WAV of noise+tone, exactly `bytes` long (header included), content varied by `seed`. */
export function pcmWavOfSize(file: string, bytes: number, seed = 1, rate = 44100): string {
  const dataBytes = bytes - 44;
  if (dataBytes < 2 || dataBytes % 2) throw new Error("size must be 44 + an even number of bytes");
  const fd = fs.openSync(file, "w");
  const head = Buffer.alloc(44);
  head.write("RIFF", 0);
  head.writeUInt32LE(bytes - 8, 4);
  head.write("WAVE", 8);
  head.write("fmt ", 12);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write("data", 36);
  head.writeUInt32LE(dataBytes, 40);
  fs.writeSync(fd, head);
  let x = seed >>> 0 || 1;
  const block = 1 << 20;
  for (let done = 0, i = 0; done < dataBytes; ) {
    const len = Math.min(block, dataBytes - done);
    const buf = Buffer.alloc(len);
    for (let j = 0; j < len; j += 2, i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const noise = ((x >>> 0) / 4294967296 - 0.5) * 2000;
      buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * (200 + seed) * i) / rate) + noise), j);
    }
    fs.writeSync(fd, buf);
    done += len;
  }
  fs.closeSync(fd);
  return file;
}
