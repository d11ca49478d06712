/**
 * Decode a whole file to float channels, for the worker (preprocess, conversion). WAV goes through the pure
 * decoder in worker/dsp/wav.ts (no process, exactly what RVC reads); everything else through ffmpeg at its native
 * rate. Resampling, when asked for, is always our own (worker/dsp/resample.ts), never ffmpeg's.
 */
import fs from "node:fs/promises";
import { decodeWav } from "../../worker/dsp/wav";
import { resample } from "../../worker/dsp/resample";
import { runDecoder } from "./probe";

export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
}

function isRiffWave(head: Uint8Array): boolean {
  const s = (a: number) => String.fromCharCode(...head.subarray(a, a + 4));
  return head.length >= 12 && s(0) === "RIFF" && s(8) === "WAVE";
}

export async function decodeAudio(file: string, options: { sampleRate?: number; signal?: AbortSignal } = {}): Promise<DecodedAudio> {
  let out: DecodedAudio;
  const head = new Uint8Array(12);
  const fh = await fs.open(file, "r");
  try {
    await fh.read(head, 0, 12, 0);
  } finally {
    await fh.close();
  }
  let wav: DecodedAudio | undefined;
  if (isRiffWave(head)) {
    try {
      const d = decodeWav(await fs.readFile(file));
      wav = { sampleRate: d.sampleRate, channels: d.channels };
    } catch {
      // a WAV flavour the pure decoder does not read (e.g. ADPCM): let ffmpeg try
    }
  }
  if (wav) out = wav;
  else {
    const parts: Float32Array[] = [];
    let nch = 1;
    const { info } = await runDecoder(file, (i) => (nch = i.channels), (s) => parts.push(s), options.signal);
    const frames = parts.reduce((n, p) => n + p.length, 0) / nch;
    const channels = Array.from({ length: nch }, () => new Float32Array(frames));
    let f = 0;
    for (const p of parts) {
      for (let i = 0; i < p.length; i += nch, f++) for (let c = 0; c < nch; c++) channels[c]![f] = p[i + c]!;
    }
    out = { sampleRate: info.sampleRate, channels };
  }
  if (options.sampleRate && options.sampleRate !== out.sampleRate) {
    out = { sampleRate: options.sampleRate, channels: out.channels.map((c) => resample(c, out.sampleRate, options.sampleRate!)) };
  }
  return out;
}
