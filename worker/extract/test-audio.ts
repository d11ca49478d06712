// Test inputs for the extract tests: espeak-ng speech at 16 kHz when espeak-ng is installed, else a synthetic voice.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeWav, downmix } from "../dsp/wav";
import { resample } from "../dsp/resample";

/** Harmonic voice at 16 kHz: f0 gliding 110→220 Hz, 1/k harmonics below 7 kHz, syllable-like envelope. */
export function syntheticVoice(seconds: number, sampleRate = 16000): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const y = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const f0 = 110 + (110 * t) / seconds;
    phase += (2 * Math.PI * f0) / sampleRate;
    let s = 0;
    for (let k = 1; k * f0 < 7000; k++) s += Math.sin(k * phase + k * 0.7) / k;
    const env = Math.max(0, Math.sin(Math.PI * 2.5 * t)) ** 0.5; // voiced stretches with short gaps
    y[i] = 0.2 * env * s;
  }
  return y;
}

/** espeak-ng speech resampled to 16 kHz, or null when espeak-ng is not available. */
export function espeakSpeech(text: string): Float32Array | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espeak-"));
  try {
    const wav = path.join(dir, "speech.wav");
    const r = spawnSync("espeak-ng", ["-v", "en", "-s", "160", "-w", wav, text], { stdio: "ignore" });
    if (r.status !== 0 || !fs.existsSync(wav)) return null;
    const d = decodeWav(fs.readFileSync(wav));
    return resample(downmix(d.channels, d.channelMask), d.sampleRate, 16000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Speech for a test: espeak-ng if it runs here, otherwise the synthetic voice (a few seconds either way). */
export function testSpeech(): { audio: Float32Array; source: "espeak-ng" | "synthetic" } {
  const speech = espeakSpeech("The quick brown fox jumps over the lazy dog. Voice studio extracts pitch and content.");
  return speech ? { audio: speech, source: "espeak-ng" } : { audio: syntheticVoice(4), source: "synthetic" };
}
