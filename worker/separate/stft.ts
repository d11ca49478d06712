// The MDX-Net spectrogram front end and its inverse, for one block of stereo audio (pure; no model here).
//
// Layout, as UVR and KUIELab's MDX-Net feed their ONNX models: torch.stft(center=True, reflect padding, periodic
// Hann window of n_fft, hop 1024), the frequency axis cut to the first dim_f bins, the 4 channels
// [left.real, left.imag, right.real, right.imag], i.e. a float32 tensor [1, 4, dim_f, frames] in row-major order
// (channel, bin, frame). A block of hop·(frames−1) samples gives exactly `frames` frames (1 + length/hop).
// The inverse fills the bins above dim_f with zeros, overlap-adds the windowed frames and divides by the summed
// squared window (torch.istft), and drops n_fft/2 at each end (center=True).
// Stereo in one complex FFT: z = left + i·right, then left[k] = (Z[k] + conj Z[N−k])/2, right[k] = (Z[k] − conj Z[N−k])/2i.
import { anyFft } from "./fft";

export interface FrontEndShape {
  nFft: number;
  hop: number;
  /** frequency bins kept (≤ n_fft/2 + 1) */
  dimF: number;
}

export interface FrontEnd extends FrontEndShape {
  /** spectrogram of a stereo block of hop·(frames−1) samples into `out` (4·dimF·frames floats) */
  forward(left: Float32Array, right: Float32Array, frames: number, out: Float32Array): void;
  /** the block back from a spectrogram (4·dimF·frames floats) into left/right (hop·(frames−1) samples each) */
  inverse(spec: Float32Array, frames: number, left: Float32Array, right: Float32Array): void;
}

export function checkShape(s: FrontEndShape): void {
  const bins = Math.floor(s.nFft / 2) + 1;
  if (!Number.isInteger(s.nFft) || s.nFft < 4 || s.nFft % 2 !== 0) throw new Error(`n_fft must be an even integer ≥ 4, got ${s.nFft}`);
  if (!Number.isInteger(s.hop) || s.hop < 1 || s.hop > s.nFft / 2) throw new Error(`hop must be in 1…n_fft/2, got ${s.hop}`);
  if (!Number.isInteger(s.dimF) || s.dimF < 1 || s.dimF > bins) throw new Error(`dim_f must be in 1…${bins} for n_fft ${s.nFft}, got ${s.dimF}`);
}

/** Periodic Hann window (torch.hann_window's default). */
export function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** Index x of the reflect-padded signal (numpy/torch "reflect": no edge repeat) back into 0…len−1. */
function reflect(i: number, len: number): number {
  if (len === 1) return 0;
  const period = 2 * (len - 1);
  let j = ((i % period) + period) % period;
  if (j >= len) j = period - j;
  return j;
}

export function createFrontEnd(shape: FrontEndShape): FrontEnd {
  checkShape(shape);
  const { nFft, hop, dimF } = shape;
  const half = nFft / 2;
  const fft = anyFft(nFft);
  const win = hann(nFft);
  const re = new Float64Array(nFft);
  const im = new Float64Array(nFft);
  let envFrames = -1;
  let invEnv = new Float64Array(0);
  let olaL = new Float64Array(0);
  let olaR = new Float64Array(0);

  const forward = (left: Float32Array, right: Float32Array, frames: number, out: Float32Array): void => {
    const len = hop * (frames - 1);
    if (frames < 2 || left.length < len || right.length < len) throw new Error(`a block of ${frames} frames needs ${len} samples per channel`);
    if (len <= half) throw new Error(`a block of ${len} samples is too short to reflect-pad by n_fft/2 = ${half}`);
    if (out.length < 4 * dimF * frames) throw new Error("spectrogram buffer too small");
    const plane = dimF * frames;
    for (let t = 0; t < frames; t++) {
      const start = t * hop - half;
      for (let n = 0; n < nFft; n++) {
        let i = start + n;
        if (i < 0 || i >= len) i = reflect(i, len);
        const w = win[n]!;
        re[n] = left[i]! * w;
        im[n] = right[i]! * w;
      }
      fft.forward(re, im);
      for (let k = 0; k < dimF; k++) {
        const j = k === 0 ? 0 : nFft - k;
        const zr = re[k]!, zi = im[k]!, cr = re[j]!, ci = -im[j]!;
        const at = k * frames + t;
        out[at] = (zr + cr) / 2; // left real
        out[plane + at] = (zi + ci) / 2; // left imag
        out[2 * plane + at] = (zi - ci) / 2; // right real
        out[3 * plane + at] = -(zr - cr) / 2; // right imag
      }
    }
  };

  const inverse = (spec: Float32Array, frames: number, left: Float32Array, right: Float32Array): void => {
    const len = hop * (frames - 1);
    if (spec.length < 4 * dimF * frames) throw new Error("spectrogram too small");
    if (left.length < len || right.length < len) throw new Error(`output needs ${len} samples per channel`);
    const full = len + nFft;
    if (envFrames !== frames) {
      const env = new Float64Array(full);
      for (let t = 0; t < frames; t++) for (let n = 0; n < nFft; n++) env[t * hop + n]! += win[n]! * win[n]!;
      invEnv = new Float64Array(len);
      for (let i = 0; i < len; i++) invEnv[i] = 1 / env[i + half]!; // > 0 for hop ≤ n_fft/2 (Hann, periodic)
      olaL = new Float64Array(full);
      olaR = new Float64Array(full);
      envFrames = frames;
    }
    olaL.fill(0);
    olaR.fill(0);
    const plane = dimF * frames;
    const top = nFft / 2; // Nyquist bin
    for (let t = 0; t < frames; t++) {
      re.fill(0);
      im.fill(0);
      // Z = L + iR with Hermitian L, R: Z[k] = L[k] + i·R[k], Z[N−k] = conj(L[k]) + i·conj(R[k])
      for (let k = 0; k < dimF; k++) {
        const at = k * frames + t;
        const lr = spec[at]!, li = spec[plane + at]!, rr = spec[2 * plane + at]!, ri = spec[3 * plane + at]!;
        if (k === 0 || k === top) {
          // DC and Nyquist are real in a real signal's spectrum (irfft ignores their imaginary parts)
          re[k] = lr;
          im[k] = rr;
          continue;
        }
        re[k] = lr - ri;
        im[k] = li + rr;
        re[nFft - k] = lr + ri;
        im[nFft - k] = rr - li;
      }
      fft.inverse(re, im);
      const off = t * hop;
      for (let n = 0; n < nFft; n++) {
        const w = win[n]!;
        olaL[off + n]! += re[n]! * w;
        olaR[off + n]! += im[n]! * w;
      }
    }
    for (let i = 0; i < len; i++) {
      left[i] = olaL[i + half]! * invEnv[i]!;
      right[i] = olaR[i + half]! * invEnv[i]!;
    }
  };

  return { nFft, hop, dimF, forward, inverse };
}
