/**
 * Browser audio helpers for the conversion page. The pure parts (WAV encoding, waveform peaks) take plain arrays so
 * they can be unit-tested in Node; decodeAudio needs the Web Audio API.
 */

/** 16-bit PCM WAV (RIFF, interleaved) from float channels in −1…1: what every decoder on the server reads. */
export function encodeWav(channels: Float32Array[], sampleRate: number): ArrayBuffer {
  const nCh = Math.max(1, channels.length);
  const frames = channels[0]?.length ?? 0;
  const dataBytes = frames * nCh * 2;
  const buf = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(buf);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true); // fmt chunk size for plain PCM
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, nCh, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * nCh * 2, true);
  v.setUint16(32, nCh * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, "data");
  v.setUint32(40, dataBytes, true);
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nCh; c++) {
      const s = Math.max(-1, Math.min(1, channels[c]?.[i] ?? 0));
      // asymmetric scale so that −1 → −32768 and +1 → 32767 without overflow
      v.setInt16(at, s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff), true);
      at += 2;
    }
  }
  return buf;
}

export interface Peaks {
  min: Float32Array;
  max: Float32Array;
}

/**
 * Min and max per column over all channels: enough to draw a waveform of any length in a fixed number of pixels
 * without drawing every sample. Never more columns than samples.
 */
export function columnPeaks(channels: Float32Array[], columns: number): Peaks {
  const n = channels[0]?.length ?? 0;
  const cols = Math.max(0, Math.min(Math.floor(columns), n));
  const min = new Float32Array(cols);
  const max = new Float32Array(cols);
  for (let col = 0; col < cols; col++) {
    const start = Math.floor((col * n) / cols);
    const end = Math.max(start + 1, Math.floor(((col + 1) * n) / cols));
    let lo = Infinity;
    let hi = -Infinity;
    for (const ch of channels) {
      for (let i = start; i < end; i++) {
        const s = ch[i]!;
        if (s < lo) lo = s;
        if (s > hi) hi = s;
      }
    }
    min[col] = lo;
    max[col] = hi;
  }
  return { min, max };
}

export function channelsOf(buffer: AudioBuffer): Float32Array[] {
  return Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
}

/**
 * Decode any format the browser knows. An OfflineAudioContext needs no user gesture and no sound device; the
 * result is resampled to `sampleRate`.
 */
export async function decodeAudio(data: ArrayBuffer, sampleRate = 48000): Promise<AudioBuffer> {
  const ctx = new OfflineAudioContext(1, 1, sampleRate);
  return ctx.decodeAudioData(data);
}
