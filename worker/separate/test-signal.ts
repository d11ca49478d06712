// Test audio for the separation tests (not a test file itself).
import type { Stereo } from "./engine";

/** A band-limited, faded-in/out stereo test signal (tones inside dim_f, none below the zeroed low bins). */
export function testSignal(length: number, rate = 44100): Stereo {
  const left = new Float32Array(length), right = new Float32Array(length);
  const fade = Math.min(4096, length / 4);
  for (let i = 0; i < length; i++) {
    const env = Math.min(1, i / fade, (length - 1 - i) / fade);
    const e = 0.5 - 0.5 * Math.cos(Math.PI * Math.max(0, env));
    const t = i / rate;
    left[i] = e * (0.3 * Math.sin(2 * Math.PI * 1000 * t) + 0.2 * Math.sin(2 * Math.PI * 3000 * t + 1));
    right[i] = e * (0.25 * Math.sin(2 * Math.PI * 1500 * t) + 0.2 * Math.sin(2 * Math.PI * 6000 * t + 2));
  }
  return { left, right };
}
