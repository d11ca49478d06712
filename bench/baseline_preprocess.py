"""Baseline for bench/preprocess: RVC's preprocessing as its docs describe it (rvc-formats.md §1), written
with numpy/scipy and run the way upstream runs it (a pool of ceil(cores/1.5) processes). Our own code,
not upstream's. Resampling is resampy's "kaiser_best" (Debian: python3-resampy), which is what upstream's
pinned librosa 0.9.1 calls; without resampy it falls back to scipy's polyphase filter (much faster and
lower quality, so that baseline flatters upstream) and says so on stderr.
Usage: python3 baseline_preprocess.py CORPUS_DIR OUT_DIR SAMPLE_RATE"""
import math
import os
import sys
import time
from fractions import Fraction
from multiprocessing import Pool

import numpy as np
import soundfile
from scipy import signal
from scipy.io import wavfile


try:
    import resampy

    def resample(x, src, dst):
        return x if src == dst else resampy.resample(x, src, dst, filter="kaiser_best").astype(np.float32)

    RESAMPLER = "resampy kaiser_best"
except ImportError:
    def resample(x, src, dst):
        if src == dst:
            return x
        f = Fraction(dst, src)
        return signal.resample_poly(x, f.numerator, f.denominator).astype(np.float32)

    RESAMPLER = "scipy resample_poly (resampy missing: baseline flatters upstream)"


def rms_frames(x, win, hop):
    pad = np.pad(x, (win // 2, win // 2))
    n = 1 + (len(pad) - win) // hop
    idx = np.arange(win)[None, :] + hop * np.arange(n)[:, None]
    return np.sqrt(np.mean(pad[idx] ** 2, axis=1))


def slice_ranges(x, sr):
    hop = round(sr * 0.015)
    win = min(round(sr * 0.4), 4 * hop)
    min_len, min_int, max_sil = round(sr * 1.5 / hop), round(sr * 0.4 / hop), round(sr * 0.5 / hop)
    thr = 10 ** (-42 / 20)
    rms = rms_frames(x, win, hop)
    cuts, start, clip_start = [], None, 0
    for i, r in enumerate(rms):
        if r < thr:
            if start is None:
                start = i
            continue
        if start is None:
            continue
        leading = start == 0 and i > max_sil
        if not leading and not (i - start >= min_int and i - clip_start >= min_len):
            start = None
            continue
        if i - start <= max_sil:
            pos = start + int(np.argmin(rms[start:i + 1]))
            cuts.append((0, pos) if start == 0 else (pos, pos))
            clip_start = pos
        else:
            pos_l = start + int(np.argmin(rms[start:start + max_sil + 1]))
            pos_r = i - max_sil + int(np.argmin(rms[i - max_sil:i + 1]))
            cuts.append((0, pos_r) if start == 0 else (pos_l, pos_r))
            clip_start = pos_r
        start = None
    total = len(rms)
    if start is not None and total - start >= min_int:
        end = min(total, start + max_sil)
        pos = start + int(np.argmin(rms[start:end + 1]))
        cuts.append((pos, total + 1))
    if not cuts:
        return [(0, len(x))]
    out = []
    if cuts[0][0] > 0:
        out.append((0, cuts[0][0] * hop))
    for (a0, a1), (b0, _) in zip(cuts, cuts[1:]):
        out.append((a1 * hop, min(len(x), b0 * hop)))
    if cuts[-1][1] < total:
        out.append((cuts[-1][1] * hop, len(x)))
    return [(s, e) for s, e in out if e > s]


def process(args):
    path, out, sr, idx0 = args
    x, src = soundfile.read(path, dtype="float32", always_2d=True)
    x = resample(x.mean(axis=1), src, sr)
    b, a = signal.butter(5, 48, btype="high", fs=sr)
    x = signal.lfilter(b, a, x).astype(np.float32)
    idx1 = 0
    per, tail = 3.7, 4.0
    for s, e in slice_ranges(x, sr):
        clip = x[s:e]
        i = 0
        while True:
            start = int(sr * (per - 0.3) * i)
            last = len(clip) - start <= tail * sr
            chunk = clip[start:] if last else clip[start:start + int(per * sr)]
            peak = np.abs(chunk).max() if len(chunk) else 0
            if 0 < peak <= 2.5:
                chunk = (chunk / peak * (0.9 * 0.75) + (1 - 0.75) * chunk).astype(np.float32)
                wavfile.write(os.path.join(out, "0_gt_wavs", f"{idx0}_{idx1}.wav"), sr, chunk)
                wavfile.write(os.path.join(out, "1_16k_wavs", f"{idx0}_{idx1}.wav"), 16000, resample(chunk, sr, 16000))
                idx1 += 1
            i += 1
            if last:
                break
    return idx1


if __name__ == "__main__":
    corpus, out, sr = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for d in ("0_gt_wavs", "1_16k_wavs"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".wav"))
    t = time.perf_counter()
    with Pool(math.ceil((os.cpu_count() or 1) / 1.5)) as pool:
        chunks = sum(pool.map(process, [(f, out, sr, i) for i, f in enumerate(files)]))
    print(f"{time.perf_counter() - t:.3f} {chunks} {RESAMPLER}")
