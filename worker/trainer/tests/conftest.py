"""Fixtures: a tiny synthetic experiment in RVC's layout and a tiny config that trains in seconds on CPU."""

from __future__ import annotations

import copy
import json
import os
import sys

import numpy as np
import pytest
from scipy.io import wavfile

WORKER_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if WORKER_DIR not in sys.path:
    sys.path.insert(0, WORKER_DIR)

# upstream's v1/40k.json template values (used for v2-40k), rvc-formats.md §4.2
CONFIG_40K = {
    "train": {"log_interval": 200, "seed": 1234, "epochs": 20000, "learning_rate": 1e-4, "betas": [0.8, 0.99],
              "eps": 1e-9, "batch_size": 4, "fp16_run": True, "lr_decay": 0.999875, "segment_size": 12800,
              "init_lr_ratio": 1, "warmup_epochs": 0, "c_mel": 45, "c_kl": 1.0},
    "data": {"max_wav_value": 32768.0, "sampling_rate": 40000, "filter_length": 2048, "hop_length": 400,
             "win_length": 2048, "n_mel_channels": 125, "mel_fmin": 0.0, "mel_fmax": None},
    "model": {"inter_channels": 192, "hidden_channels": 192, "filter_channels": 768, "n_heads": 2, "n_layers": 6,
              "kernel_size": 3, "p_dropout": 0, "resblock": "1", "resblock_kernel_sizes": [3, 7, 11],
              "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5]], "upsample_rates": [10, 10, 2, 2],
              "upsample_initial_channel": 512, "upsample_kernel_sizes": [16, 16, 4, 4], "use_spectral_norm": False,
              "gin_channels": 256, "spk_embed_dim": 109},
}


def config_for(sr: int) -> dict:
    """Upstream's v2 templates: 32k and 48k from configs/v2, 40k from configs/v1."""
    c = copy.deepcopy(CONFIG_40K)
    if sr == 32000:
        c["data"].update(sampling_rate=32000, filter_length=1024, hop_length=320, win_length=1024, n_mel_channels=80)
        c["train"]["segment_size"] = 12800
        c["model"].update(upsample_rates=[10, 8, 2, 2], upsample_kernel_sizes=[20, 16, 4, 4])
    elif sr == 48000:
        c["data"].update(sampling_rate=48000, filter_length=2048, hop_length=480, win_length=2048, n_mel_channels=128)
        c["train"]["segment_size"] = 17280
        c["model"].update(upsample_rates=[12, 10, 2, 2], upsample_kernel_sizes=[24, 20, 4, 4])
    return c


def tiny_config() -> dict:
    """Real 32k front end (hop 320, 1024-point FFT) with tiny channel counts and a small discriminator."""
    c = config_for(32000)
    c["train"].update(learning_rate=2e-3, segment_size=6400, fp16_run=False)
    c["model"].update(inter_channels=8, hidden_channels=8, filter_channels=16, n_heads=2, n_layers=1,
                      resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3, 5]], upsample_initial_channel=16,
                      gin_channels=8, spk_embed_dim=4)
    c["studio"] = {"disc_channel_div": 32, "disc_periods": [2, 3]}
    return c


def coarse_pitch(f0: np.ndarray) -> np.ndarray:
    mel = 1127 * np.log(1 + f0 / 700)
    lo, hi = 1127 * np.log(1 + 50 / 700), 1127 * np.log(1 + 1100 / 700)
    mel = np.where(mel > 0, (mel - lo) * 254 / (hi - lo) + 1, mel)
    return np.clip(np.rint(mel), 1, 255).astype(np.int32)


def make_experiment(root: str, n_items: int = 6, seconds: float = 2.0, sr: int = 32000, config: dict | None = None,
                    seed: int = 0, feature_dim: int = 768, f0: bool = True) -> str:
    """Creates <root>/exp in RVC's layout: 0_gt_wavs (float32), 3_feature768, 2a_f0, 2b-f0nsf, filelist, config."""
    exp = os.path.join(root, "exp")
    dirs = {k: os.path.join(exp, k) for k in ("0_gt_wavs", "1_16k_wavs", "2a_f0", "2b-f0nsf", "3_feature768")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(seed)
    lines = []
    n = int(seconds * sr)
    n16 = int(seconds * 16000)
    for i in range(n_items):
        stem = f"0_{i}"
        f0_hz = 110.0 * (1 + i % 4)
        t = np.arange(n) / sr
        audio = 0.3 * np.sin(2 * np.pi * f0_hz * t) + 0.02 * rng.standard_normal(n)
        wavfile.write(os.path.join(dirs["0_gt_wavs"], stem + ".wav"), sr, audio.astype(np.float32))
        feat_frames = (n16 - 400) // 320 + 1
        np.save(os.path.join(dirs["3_feature768"], stem + ".npy"),
                rng.standard_normal((feat_frames, feature_dim)).astype(np.float32))
        f0_frames = n16 // 160 + 1
        f0_track = np.full(f0_frames, f0_hz, dtype=np.float64)
        f0_track[:5] = 0
        np.save(os.path.join(dirs["2a_f0"], stem + ".wav.npy"), coarse_pitch(f0_track))
        np.save(os.path.join(dirs["2b-f0nsf"], stem + ".wav.npy"), f0_track)
        fields = [os.path.join(dirs["0_gt_wavs"], stem + ".wav"), os.path.join(dirs["3_feature768"], stem + ".npy")]
        if f0:
            fields += [os.path.join(dirs["2a_f0"], stem + ".wav.npy"), os.path.join(dirs["2b-f0nsf"], stem + ".wav.npy")]
        lines.append("|".join(fields + ["0"]))
    with open(os.path.join(exp, "filelist.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    with open(os.path.join(exp, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config or tiny_config(), f, indent=4, sort_keys=True)
        f.write("\n")
    return exp


@pytest.fixture
def tiny_exp(tmp_path):
    return make_experiment(str(tmp_path))


def read_events(text: str) -> list:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
