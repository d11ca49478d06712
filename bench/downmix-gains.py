"""Measure ffmpeg's `-ac 1` downmix gains (the table in worker/dsp/downmix.ts), not a test.

usage: /usr/bin/python3 bench/downmix-gains.py [FFMPEG]   (default: ffmpeg on PATH)
For each channel count 1..8 a plain float WAV (no layout stated: ffmpeg picks its default layout), and for each
named layout up to 8 channels a WAV ffmpeg writes with that layout, one channel at a time set to 0.25 and the rest
silent; prints the gain of each channel into mono.
"""

import io
import re
import subprocess
import sys

import numpy as np
from scipy.io import wavfile

FF = sys.argv[1] if len(sys.argv) > 1 else "ffmpeg"


def ffmpeg(args, data):
    r = subprocess.run([FF, "-v", "error", *args], input=data, capture_output=True)
    if r.returncode:
        raise RuntimeError(r.stderr.decode()[-300:])
    return r.stdout


def to_mono_gain(wav_bytes):
    y = np.frombuffer(ffmpeg(["-i", "-", "-ac", "1", "-f", "f32le", "-"], wav_bytes), np.float32)
    return round(float(np.median(y)) / 0.25, 6)


def one_hot(n, c):
    x = np.zeros((64, n), np.float32)
    x[:, c] = 0.25
    return x


def main():
    for n in range(1, 9):
        gains = []
        for c in range(n):
            b = io.BytesIO()
            wavfile.write(b, 16000, one_hot(n, c))
            gains.append(to_mono_gain(b.getvalue()))
        print(f"plain {n} channels: {gains}")
    table = ffmpeg(["-layouts"], b"").decode()
    for name, speakers in re.findall(r"^(\S+)\s+((?:[A-Z]+\+)*[A-Z]+)$", table, re.M):
        n = len(speakers.split("+"))
        if n > 8 or name.isupper():
            continue
        gains = []
        for c in range(n):
            w = ffmpeg(["-f", "f32le", "-ar", "16000", "-ac", str(n), "-channel_layout", name, "-i", "-",
                        "-c:a", "pcm_f32le", "-f", "wav", "-"], one_hot(n, c).tobytes())
            gains.append(to_mono_gain(w))
        print(f"{name} ({speakers}): {gains}")


if __name__ == "__main__":
    main()
