"""Held-out validation at each checkpoint (issue 15): the mel L1 that training reports and a multi-resolution STFT
distance, measured on clips the model never trains on, with fixed noise so the same weights give the same numbers.

`metrics.json` beside the checkpoints keeps one entry per checkpoint epoch (train losses of that epoch and the
validation); a resumed or continued training appends to it.
"""

from __future__ import annotations

import json
import os
import time
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn.functional as F

from .commons import publish
from .data import Item, TrainDataset
from .mel import mel_spectrogram

METRICS_FILE = "metrics.json"
PREVIEW_DIR = "previews"
PREVIEW_MAX_SECONDS = 10.0
VALIDATION_SEED = 20261201
# (n_fft, hop, win): three resolutions around the 1024/2048-point front ends of the configs
STFT_RESOLUTIONS: Tuple[Tuple[int, int, int], ...] = ((512, 128, 512), (1024, 256, 1024), (2048, 512, 2048))


def _mag(y: torch.Tensor, n_fft: int, hop: int, win: int) -> torch.Tensor:
    window = torch.hann_window(win, device=y.device, dtype=y.dtype)
    s = torch.stft(y, n_fft, hop_length=hop, win_length=win, window=window, center=True, return_complex=True)
    return torch.sqrt(s.real.pow(2) + s.imag.pow(2) + 1e-7)


def multi_resolution_stft_distance(y: torch.Tensor, y_hat: torch.Tensor,
                                   resolutions: Sequence[Tuple[int, int, int]] = STFT_RESOLUTIONS) -> float:
    """Mean over resolutions of spectral convergence ‖|Y|−|Ŷ|‖_F / ‖|Y|‖_F plus mean |log|Y| − log|Ŷ||.

    ``y`` and ``y_hat`` are 1-D (or [B, N]) waveforms; the longer one is cut to the shorter. 0 for identical
    signals, larger the further apart their spectra are. Pure.
    """
    y = y.float().reshape(-1) if y.dim() == 1 else y.float()
    y_hat = y_hat.float().reshape(-1) if y_hat.dim() == 1 else y_hat.float()
    n = min(y.shape[-1], y_hat.shape[-1])
    y, y_hat = y[..., :n], y_hat[..., :n]
    total = 0.0
    for n_fft, hop, win in resolutions:
        if n <= n_fft // 2:  # reflect padding needs more samples than half a frame
            pad = n_fft // 2 + 1 - n
            y_p, yh_p = F.pad(y, (0, pad)), F.pad(y_hat, (0, pad))
        else:
            y_p, yh_p = y, y_hat
        a, b = _mag(y_p, n_fft, hop, win), _mag(yh_p, n_fft, hop, win)
        sc = torch.linalg.norm((a - b).reshape(-1)) / torch.clamp(torch.linalg.norm(a.reshape(-1)), min=1e-7)
        mag = torch.mean(torch.abs(torch.log(a) - torch.log(b)))
        total += float(sc) + float(mag)
    return total / len(resolutions)


class Validator:
    """Loads the held-out clips once; ``run(net_g)`` returns {mel, stft, clips, seconds} for the current weights."""

    def __init__(self, items: Sequence[Item], hp: dict, f0: bool, device: torch.device, clips: list | None = None):
        """``clips``: already loaded dataset items (phone, pitch, pitchf, spec, audio, sid) instead of ``items``."""
        self.device = device
        self.f0 = f0
        d, t = hp["data"], hp["train"]
        self.hop, self.win = d["hop_length"], d["win_length"]
        self.mel_args = dict(sr=d["sampling_rate"], n_fft=d["filter_length"], n_mels=d["n_mel_channels"],
                             fmin=d.get("mel_fmin", 0.0) or 0.0, fmax=d.get("mel_fmax"))
        self.c_mel = float(t["c_mel"])
        if clips is None:
            ds = TrainDataset(items, hp, f0, cache_spec=False)
            clips = [ds[i] for i in range(len(ds))]
        self.clips = clips
        self.names = [os.path.basename(it.wav) for it in items]
        self.sr = d["sampling_rate"]

    def __len__(self) -> int:
        return len(self.clips)

    @torch.no_grad()
    def run(self, net_g, preview_path: str | None = None) -> Dict[str, float]:
        """``preview_path``: also write the first held-out clip as rendered by these weights (16-bit WAV at the
        config's rate, at most PREVIEW_MAX_SECONDS) there."""
        t0 = time.time()
        was_training = net_g.training
        net_g.eval()
        devices = [self.device.index or 0] if self.device.type == "cuda" else []
        mels: List[float] = []
        stfts: List[float] = []
        try:
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(VALIDATION_SEED)
                for clip in self.clips:
                    dev = self.device
                    y_hat = _infer(net_g, clip, self.f0, dev)
                    y = clip[4].to(dev).float().reshape(1, -1)
                    m = min(y.size(1), y_hat.size(1))
                    y, y_hat = y[:, :m], y_hat[:, :m]
                    mel_y = mel_spectrogram(y, hop=self.hop, win_length=self.win, **self.mel_args)
                    mel_h = mel_spectrogram(y_hat, hop=self.hop, win_length=self.win, **self.mel_args)
                    mels.append(float(F.l1_loss(mel_h, mel_y)) * self.c_mel)
                    stfts.append(multi_resolution_stft_distance(y[0], y_hat[0]))
                    if preview_path and len(mels) == 1:
                        write_preview(preview_path, y_hat[0], self.mel_args["sr"])
        finally:
            if was_training:
                net_g.train()
        return {"mel": sum(mels) / len(mels), "stft": sum(stfts) / len(stfts), "clips": len(mels),
                "seconds": time.time() - t0}


class Probe:
    """The clip the user picked as the listening preview (``--probe``), rendered by each checkpoint with fixed noise;
    it works without held-out clips (a preview without validation)."""

    def __init__(self, item: Item, hp: dict, f0: bool, device: torch.device, clip: tuple | None = None):
        self.device = device
        self.f0 = f0
        self.sr = hp["data"]["sampling_rate"]
        self.clip = clip if clip is not None else TrainDataset([item], hp, f0, cache_spec=False)[0]
        self.name = os.path.basename(item.wav)

    @torch.no_grad()
    def render(self, net_g, preview_path: str) -> None:
        was_training = net_g.training
        net_g.eval()
        devices = [self.device.index or 0] if self.device.type == "cuda" else []
        try:
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(VALIDATION_SEED)
                write_preview(preview_path, _infer(net_g, self.clip, self.f0, self.device)[0], self.sr)
        finally:
            if was_training:
                net_g.train()


def _infer(net_g, clip: tuple, f0: bool, dev: torch.device) -> torch.Tensor:
    """One dataset item through the generator's inference path: [1, samples]."""
    phone, pitch, pitchf, _spec, _audio, sid = clip
    lengths = torch.tensor([phone.size(0)], dtype=torch.long, device=dev)
    y_hat = net_g.infer(phone.unsqueeze(0).to(dev), lengths,
                        pitch.unsqueeze(0).to(dev) if f0 else None,
                        pitchf.unsqueeze(0).to(dev) if f0 else None,
                        torch.tensor([sid], dtype=torch.long, device=dev))
    return y_hat.float().reshape(1, -1)


def early_stop_due(history: Sequence[tuple[int, float | None]], patience: int) -> dict | None:
    """Early stop (off when ``patience`` < 1): the last ``patience`` validated checkpoints all failed to beat the best
    validation mel before them. ``history``: (epoch, validation mel or None) in checkpoint order, over the whole
    experiment (a continue keeps it). Returns {best_epoch, best_mel, reason} when due, else None. Pure."""
    if patience < 1:
        return None
    scored = [(e, m) for e, m in history if m is not None]
    if len(scored) <= patience:
        return None
    before, recent = scored[:-patience], scored[-patience:]
    best_epoch, best_mel = min(before, key=lambda x: x[1])  # the earliest of equal values
    if any(m < best_mel for _, m in recent):
        return None
    return {"best_epoch": best_epoch, "best_mel": best_mel,
            "reason": f"validation mel L1 has not improved for {patience} checkpoint{'s' if patience != 1 else ''} "
                      f"(best {best_mel:.3f} at epoch {best_epoch})"}


def write_preview(path: str, audio: torch.Tensor, sr: int) -> None:
    """A listening preview: mono 16-bit PCM WAV, cut to PREVIEW_MAX_SECONDS, written atomically."""
    from scipy.io import wavfile

    x = audio.detach().float().cpu().reshape(-1)[: int(PREVIEW_MAX_SECONDS * sr)]
    pcm = (torch.clamp(x, -1.0, 1.0) * 32767.0).round().to(torch.int16).numpy()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".tmp-preview"
    wavfile.write(tmp, int(sr), pcm)
    publish(tmp, path)


def preview_name(epoch: int) -> str:
    """The preview's path relative to the experiment folder."""
    return f"{PREVIEW_DIR}/e{int(epoch)}.wav"


def read_metrics(exp_dir: str) -> list:
    try:
        with open(os.path.join(exp_dir, METRICS_FILE), encoding="utf-8") as f:
            data = json.load(f)
        return data.get("checkpoints", []) if isinstance(data, dict) else []
    except (OSError, ValueError):
        return []


def record_checkpoint(exp_dir: str, entry: dict) -> None:
    """Append (or replace, for the same epoch) one checkpoint's entry in metrics.json, atomically."""
    entries = [e for e in read_metrics(exp_dir) if e.get("epoch") != entry["epoch"]]
    entries.append(entry)
    entries.sort(key=lambda e: e.get("epoch", 0))
    path = os.path.join(exp_dir, METRICS_FILE)
    tmp = path + ".tmp-metrics"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"checkpoints": entries}, f, indent=1)
    publish(tmp, path)
