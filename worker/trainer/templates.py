"""Upstream's config.json templates (rvc-formats.md §4.2) as data, so the worker and tests need no RVC checkout.

Template choice follows upstream: v1 *or* 40k → ``configs/v1/<sr>.json`` (so v2-40k uses v1/40k.json);
v2 with 32k/48k → ``configs/v2/<sr>.json``.
"""

from __future__ import annotations

import copy
import json
import os

_COMMON = {
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

# (template) -> sampling_rate, filter_length(=win_length), hop, n_mels, segment_size, upsample_rates, kernel sizes
_PER_SR = {
    "v2/32k": (32000, 1024, 320, 80, 12800, [10, 8, 2, 2], [20, 16, 4, 4]),
    "v1/40k": (40000, 2048, 400, 125, 12800, [10, 10, 2, 2], [16, 16, 4, 4]),
    "v2/48k": (48000, 2048, 480, 128, 17280, [12, 10, 2, 2], [24, 20, 4, 4]),
    "v1/32k": (32000, 1024, 320, 80, 12800, [10, 4, 2, 2, 2], [16, 16, 4, 4, 4]),
    "v1/48k": (48000, 2048, 480, 128, 11520, [10, 6, 2, 2, 2], [16, 16, 4, 4, 4]),
}


def template_name(sample_rate: str, version: str) -> str:
    if sample_rate not in ("32k", "40k", "48k"):
        raise ValueError(f"unknown sample rate {sample_rate!r} (expected 32k, 40k or 48k)")
    if version not in ("v1", "v2"):
        raise ValueError(f"unknown version {version!r}")
    return f"v1/{sample_rate}" if (version == "v1" or sample_rate == "40k") else f"v2/{sample_rate}"


def upstream_config(sample_rate: str = "40k", version: str = "v2", fp16_run: bool = True) -> dict:
    sr, n_fft, hop, n_mels, seg, ups, kernels = _PER_SR[template_name(sample_rate, version)]
    c = copy.deepcopy(_COMMON)
    c["data"].update(sampling_rate=sr, filter_length=n_fft, win_length=n_fft, hop_length=hop, n_mel_channels=n_mels)
    c["train"].update(segment_size=seg, fp16_run=fp16_run)
    c["model"].update(upsample_rates=ups, upsample_kernel_sizes=kernels)
    return c


def write_config(path: str, config: dict, overwrite: bool = False) -> bool:
    """Upstream's writer: indent 4, sorted keys, trailing newline, and only if the file does not exist."""
    if os.path.exists(path) and not overwrite:
        return False
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=4, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)
    return True
