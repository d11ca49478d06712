"""config.json (rvc-formats.md §4.2): loading, validation, and the few extensions we add."""

from __future__ import annotations

import json
import os

from .errors import TrainerError

SR_NAMES = {32000: "32k", 40000: "40k", 48000: "48k"}

REQUIRED = {
    "train": ["seed", "learning_rate", "betas", "eps", "lr_decay", "segment_size", "c_mel", "c_kl"],
    "data": ["sampling_rate", "filter_length", "hop_length", "win_length", "n_mel_channels"],
    "model": ["inter_channels", "hidden_channels", "filter_channels", "n_heads", "n_layers", "kernel_size", "p_dropout",
              "resblock", "resblock_kernel_sizes", "resblock_dilation_sizes", "upsample_rates",
              "upsample_initial_channel", "upsample_kernel_sizes", "spk_embed_dim", "gin_channels"],
}

# Extension block (ignored by upstream tools, which never read our config): sizes the discriminator down for tests.
#   "studio": {"disc_channel_div": 16, "disc_periods": [2, 3]}
EXT_KEY = "studio"


def load_hparams(path: str) -> dict:
    if not os.path.isfile(path):
        raise TrainerError(f"config not found: {path}")
    try:
        with open(path, "r", encoding="utf-8") as f:
            hp = json.load(f)
    except (OSError, ValueError) as e:
        raise TrainerError(f"config {path} is not valid JSON: {e}") from e
    validate_hparams(hp, path)
    return hp


def validate_hparams(hp: dict, path: str = "config.json") -> None:
    if not isinstance(hp, dict):
        raise TrainerError(f"config {path}: top level must be an object")
    for section, keys in REQUIRED.items():
        sec = hp.get(section)
        if not isinstance(sec, dict):
            raise TrainerError(f"config {path}: missing section '{section}'")
        for k in keys:
            if k not in sec:
                raise TrainerError(f"config {path}: missing key '{section}.{k}'")
    data, model, train = hp["data"], hp["model"], hp["train"]
    sr = data["sampling_rate"]
    if sr not in SR_NAMES:
        raise TrainerError(f"config {path}: unknown sample rate {sr!r} (expected 32000, 40000 or 48000)")
    hop = data["hop_length"]
    prod = 1
    for u in model["upsample_rates"]:
        prod *= u
    if prod != hop:
        raise TrainerError(f"config {path}: product of model.upsample_rates ({prod}) must equal data.hop_length ({hop})")
    if len(model["upsample_rates"]) != len(model["upsample_kernel_sizes"]):
        raise TrainerError(f"config {path}: upsample_rates and upsample_kernel_sizes differ in length")
    if train["segment_size"] % hop:
        raise TrainerError(f"config {path}: train.segment_size ({train['segment_size']}) must be a multiple of hop_length ({hop})")
    if model["hidden_channels"] % model["n_heads"]:
        raise TrainerError(f"config {path}: hidden_channels must be divisible by n_heads")


def sr_name(hp: dict) -> str:
    return SR_NAMES[hp["data"]["sampling_rate"]]


def segment_frames(hp: dict) -> int:
    return hp["train"]["segment_size"] // hp["data"]["hop_length"]


def ext(hp: dict) -> dict:
    e = hp.get(EXT_KEY)
    return e if isinstance(e, dict) else {}
