import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegConvert, ffmpegForTests, pcmWavOfSize, sineWav, sox, speechWav, tempDir } from "../../tests/helpers/audio-fixtures";
import { decodeAudio } from "./decode";
import { errorLines, layoutChannels, parseInputInfo } from "./ffmpeg-log";
import { extensionOf, uploadKind } from "./formats";
import { AudioRejected, looksTruncated, probeAudio } from "./probe";
import { StatsAccumulator } from "./stats";

let dir: string;
let speech: string;
beforeAll(() => {
  dir = tempDir();
  speech = speechWav(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function rejection(file: string): Promise<AudioRejected> {
  const err = await probeAudio(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AudioRejected);
  return err as AudioRejected;
}

describe("formats", () => {
  it.each([
    ["a.WAV", "audio"],
    ["b.flac", "audio"],
    ["c d é.mp3", "audio"],
    ["x.opus", "audio"],
    ["x.m4a", "audio"],
    ["set.zip", "archive"],
    ["notes.txt", undefined],
    ["wav", undefined],
    [".wav", undefined],
    ["../../etc/passwd", undefined],
  ])("%s is %s", (name, kind) => expect(uploadKind(name)).toBe(kind));

  it("takes the extension of the last path segment only", () => {
    expect(extensionOf("dir.zip/inner.wav")).toBe("wav");
    expect(extensionOf("a.b.Mp3")).toBe("mp3");
  });
});

describe("ffmpeg log parsing", () => {
  const log = [
    "[info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/x/s.m4a':",
    "[info]   Duration: 00:01:01.99, start: 0.000000, bitrate: 72 kb/s",
    "[info]     Stream #0:0(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 68 kb/s (default)",
    "[info] Stream mapping:",
    "[info]     Stream #0:0: Audio: pcm_f32le, 44100 Hz, stereo, flt",
    "[mp3float @ 0x3e83a0c0] [error] invalid new backstep -1",
  ].join("\n");

  it("reads container, codec, rate, channels and declared duration", () => {
    expect(parseInputInfo(log)).toEqual({
      container: "mov,mp4,m4a,3gp,3g2,mj2",
      codec: "aac",
      sampleRate: 44100,
      channels: 2,
      layout: "stereo",
      declaredDurationSec: 61.99,
    });
    expect(errorLines(log)).toEqual(["invalid new backstep -1"]);
  });

  it("ignores a duration that ffmpeg only estimated", () => {
    expect(parseInputInfo(log + "\n[warning] Estimating duration from bitrate, this may be inaccurate")?.declaredDurationSec).toBeUndefined();
  });

  it("knows channel layouts", () => {
    expect(layoutChannels("mono")).toBe(1);
    expect(layoutChannels("5.1(side)")).toBe(6);
    expect(layoutChannels("3 channels")).toBe(3);
    expect(layoutChannels("weird")).toBeUndefined();
  });

  it("calls a file truncated only when clearly shorter than declared", () => {
    expect(looksTruncated(2.01, 1.94)).toBe(false);
    expect(looksTruncated(2.01, 0.65)).toBe(true);
    expect(looksTruncated(undefined, 0.65)).toBe(false);
    expect(looksTruncated(3600, 3500)).toBe(false);
  });
});

describe("level statistics", () => {
  it("measures peak, RMS, clipping and silence", () => {
    const rate = 1000;
    const acc = new StatsAccumulator(1, rate);
    const x = new Float32Array(2000); // 1 s silence, then 1 s of a full-scale square wave
    for (let i = 1000; i < 2000; i++) x[i] = i % 2 ? 1 : -1;
    acc.push(x.subarray(0, 700));
    acc.push(x.subarray(700));
    const s = acc.result();
    expect(acc.frames).toBe(2000);
    expect(s.peak).toBe(1);
    expect(s.peakDb).toBe(0);
    expect(s.rmsDb).toBeCloseTo(-3.01, 1);
    expect(s.clippedFraction).toBe(0.5);
    expect(s.silentFraction).toBe(0.5);
  });

  it("works over interleaved channels", () => {
    const acc = new StatsAccumulator(2, 100);
    acc.push(new Float32Array([0.5, 0, 0.5, 0]));
    expect(acc.frames).toBe(2);
    expect(acc.result().peak).toBe(0.5);
    expect(() => acc.push(new Float32Array(3))).toThrow(/whole frames/);
  });
});

describe("probeAudio (ffmpeg)", () => {
  it("reads espeak's 16-bit WAV", async () => {
    const p = await probeAudio(speech);
    expect(p).toMatchObject({ container: "wav", codec: "pcm_s16le", sampleRate: 22050, channels: 1 });
    expect(p.durationSec).toBeGreaterThan(1.5);
    expect(p.durationSec).toBeCloseTo(p.frames / 22050, 6);
    expect(p.stats.silentFraction).toBeGreaterThan(0);
    expect(p.stats.silentFraction).toBeLessThan(0.9);
  });

  it.each([
    ["24-bit WAV", "s24.wav", ["-b", "24"], "pcm_s24le"],
    ["32-bit int WAV", "s32.wav", ["-b", "32", "-e", "signed-integer"], "pcm_s32le"],
    ["32-bit float WAV", "f32.wav", ["-b", "32", "-e", "floating-point"], "pcm_f32le"],
    ["FLAC", "s.flac", [], "flac"],
  ])("reads %s", async (_what, name, opts, codec) => {
    const f = sox(dir, speech, name, ...(opts as string[]));
    const p = await probeAudio(f);
    expect(p.codec).toBe(codec);
    expect(p.sampleRate).toBe(22050);
    expect(p.channels).toBe(1);
  });

  it.each([
    ["mp3", "s.mp3", [], "mp3", "mp3"],
    ["ogg/opus", "s.opus", ["-c:a", "libopus"], "opus", "ogg"],
    ["ogg/vorbis", "s.ogg", ["-c:a", "libvorbis"], "vorbis", "ogg"],
    ["m4a/aac", "s.m4a", ["-c:a", "aac"], "aac", "mov,mp4,m4a,3gp,3g2,mj2"],
  ])("reads %s", async (_what, name, opts, codec, container) => {
    const f = ffmpegConvert(dir, speech, name, ...(opts as string[]));
    const p = await probeAudio(f);
    expect(p.codec).toBe(codec);
    expect(p.container).toBe(container);
    expect(Math.abs(p.durationSec - 2.9)).toBeLessThan(1.5);
  });

  it("reads stereo 48 kHz", async () => {
    const f = sineWav(dir, "stereo.wav", { seconds: 1, rate: 48000, channels: 2 });
    const p = await probeAudio(f);
    expect(p).toMatchObject({ sampleRate: 48000, channels: 2, frames: 48000 });
    expect(p.stats.peak).toBeCloseTo(0.5, 3);
  });

  it("finds clipping and silence", async () => {
    const f = sineWav(dir, "clip.wav", { seconds: 2, amp: 1.5, silentSeconds: 1.5 });
    const p = await probeAudio(f);
    expect(p.stats.clippedFraction).toBeGreaterThan(0.05);
    expect(p.stats.silentFraction).toBeCloseTo(0.75, 1);
  });

  it("rejects text renamed to .wav", async () => {
    const f = path.join(dir, "text.wav");
    fs.writeFileSync(f, "this is not audio at all\n".repeat(20));
    const e = await rejection(f);
    expect(e.problem).toBe("not_audio");
    expect(e.message).toMatch(/not a readable audio file/);
  });

  it("rejects an empty file", async () => {
    const f = path.join(dir, "empty.mp3");
    fs.writeFileSync(f, "");
    expect((await rejection(f)).problem).toBe("empty");
    const g = path.join(dir, "short.mp3");
    fs.writeFileSync(g, "ID3");
    expect((await rejection(g)).problem).toBe("not_audio");
  });

  it("rejects a truncated mp3 and a truncated WAV", async () => {
    const mp3 = fs.readFileSync(ffmpegConvert(dir, speech, "full.mp3"));
    const t = path.join(dir, "trunc.mp3");
    fs.writeFileSync(t, mp3.subarray(0, Math.floor(mp3.length / 3)));
    const e = await rejection(t);
    expect(e.problem).toBe("truncated");
    expect(e.message).toMatch(/truncated: its header says/);

    const wav = fs.readFileSync(speech);
    const tw = path.join(dir, "trunc.wav");
    fs.writeFileSync(tw, wav.subarray(0, Math.floor(wav.length / 2)));
    expect((await rejection(tw)).problem).toBe("truncated");
  });

  it("refuses a 344 KB WAV whose header says 25 Hz (6,884 s) before decoding it, in the probe and in the worker's decoder", async () => {
    const f = pcmWavOfSize(path.join(dir, "25hz.wav"), 344 * 1024 + 44, 3, 25);
    const e = await rejection(f);
    expect(e.problem).toBe("sample_rate");
    expect(e.message).toBe("its sample rate 25 Hz is outside 8–192 kHz");
    // decodeAudio: the pure WAV decoder refuses, ffmpeg (its fallback) is refused at the stream header
    const d = await decodeAudio(f, { sampleRate: 40000 }).then(() => undefined, (err: unknown) => err);
    expect(d).toBeInstanceOf(AudioRejected);
    expect((d as AudioRejected).problem).toBe("sample_rate");
    const one = pcmWavOfSize(path.join(dir, "1hz.wav"), 1024 + 44, 3, 1);
    expect((await rejection(one)).message).toBe("its sample rate 1 Hz is outside 8–192 kHz");
  });

  it("refuses a non-WAV stream at a rate under 8 kHz when ffmpeg reports it", async () => {
    const f = ffmpegConvert(dir, speech, "4k.flac", "-ar", "4000");
    const e = await rejection(f);
    expect(e.problem).toBe("sample_rate");
    expect(e.message).toMatch(/4000 Hz is outside 8–192 kHz/);
  });

  it("refuses a WAV whose byte rate contradicts its sample rate", async () => {
    const f = pcmWavOfSize(path.join(dir, "lying.wav"), 64 * 1024 + 44, 5, 16000);
    const b = fs.readFileSync(f);
    b.writeUInt32LE(50, 28);
    fs.writeFileSync(f, b);
    const e = await rejection(f);
    expect(e.problem).toBe("inconsistent_header");
    expect(e.message).toMatch(/50 bytes per second does not match 16000 Hz × 2-byte frames/);
  });

  it("refuses a FLAC bomb: an hour of silence in 14 KB, by its declared length and, with that erased, while decoding", async () => {
    const bomb = path.join(dir, "bomb.flac");
    execFileSync(ffmpegForTests(), [
      "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "3600", "-c:a", "flac", "-frame_size", "65535", bomb,
    ]);
    const size = fs.statSync(bomb).size;
    expect(size).toBeLessThan(3600 * 16);
    const e = await rejection(bomb);
    expect(e.problem).toBe("length_beyond_size");
    expect(e.message).toMatch(/^it claims 3600 s of audio, more than its \d+ bytes can hold/);
    // zero STREAMINFO's total-samples field (36 bits from byte 21): ffmpeg then knows no length in advance
    const b = fs.readFileSync(bomb);
    b[21] = b[21]! & 0xf0;
    b.fill(0, 22, 26);
    const blind = path.join(dir, "blind.flac");
    fs.writeFileSync(blind, b);
    const e2 = await rejection(blind);
    expect(e2.problem).toBe("length_beyond_size");
    expect(e2.message).toMatch(/^it decodes to \d+ s of audio, more than its \d+ bytes can hold/);
  });

  it("rejects a video-only file as having no audio stream", async () => {
    const f = path.join(dir, "video.mp4");
    execFileSync(ffmpegForTests(), ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=32x32:d=0.2", "-c:v", "mpeg4", f]);
    expect((await rejection(f)).problem).toBe("no_audio_stream");
  });
});

describe("decodeAudio", () => {
  it("decodes WAV with the pure decoder and other formats with ffmpeg, and resamples with ours", async () => {
    const w = await decodeAudio(speech);
    expect(w.sampleRate).toBe(22050);
    expect(w.channels).toHaveLength(1);
    const mp3 = await decodeAudio(ffmpegConvert(dir, speech, "d.mp3"));
    expect(mp3.sampleRate).toBe(22050);
    expect(Math.abs(mp3.channels[0]!.length - w.channels[0]!.length)).toBeLessThan(22050 * 0.2);
    const r = await decodeAudio(speech, { sampleRate: 16000 });
    expect(r.sampleRate).toBe(16000);
    expect(r.channels[0]!.length).toBe(Math.ceil((w.channels[0]!.length * 16000) / 22050));
    const st = await decodeAudio(ffmpegConvert(dir, sineWav(dir, "st.wav", { seconds: 0.5, channels: 2, rate: 8000 }), "st.flac"));
    expect(st.channels).toHaveLength(2);
    expect(st.channels[1]!.length).toBe(4000);
  });
});
