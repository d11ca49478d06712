"""RVC's linear spectrogram and log-mel front end (rvc-formats.md §4.3).

The mel basis reproduces librosa's ``filters.mel`` defaults (slaney scale, slaney norm) with NumPy, so
librosa is not a dependency.
"""

from __future__ import annotations

import functools

import numpy as np
import torch
import torch.nn.functional as F


def _hz_to_mel(f):
    f = np.asanyarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)


def _mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)


@functools.lru_cache(maxsize=16)
def mel_basis_np(sr: int, n_fft: int, n_mels: int, fmin: float = 0.0, fmax: float | None = None) -> np.ndarray:
    """[n_mels, n_fft//2+1] float32 triangular filters, slaney-normalised (librosa 0.9 defaults)."""
    if fmax is None:
        fmax = sr / 2.0
    fft_freqs = np.linspace(0, sr / 2.0, 1 + n_fft // 2)
    mel_pts = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_pts)
    ramps = mel_pts[:, None] - fft_freqs[None, :]
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float64)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_pts[2 : n_mels + 2] - mel_pts[:n_mels])
    weights *= enorm[:, None]
    return weights.astype(np.float32)


_cache: dict = {}


def _window(win_length: int, device, dtype) -> torch.Tensor:
    key = ("win", win_length, str(device), dtype)
    if key not in _cache:
        _cache[key] = torch.hann_window(win_length, periodic=True, device=device, dtype=dtype)
    return _cache[key]


def _basis(sr, n_fft, n_mels, fmin, fmax, device, dtype) -> torch.Tensor:
    key = ("mel", sr, n_fft, n_mels, fmin, fmax, str(device), dtype)
    if key not in _cache:
        _cache[key] = torch.from_numpy(mel_basis_np(sr, n_fft, n_mels, fmin, fmax)).to(device=device, dtype=dtype)
    return _cache[key]


def spectrogram(y: torch.Tensor, n_fft: int, hop: int, win_length: int) -> torch.Tensor:
    """[B, N] waveform → [B, n_fft//2+1, N//hop] magnitude (reflect pad (n_fft-hop)/2, center=False)."""
    y = y.float()
    pad = (n_fft - hop) // 2
    y = F.pad(y.unsqueeze(1), (pad, pad), mode="reflect").squeeze(1)
    stft = torch.stft(y, n_fft, hop_length=hop, win_length=win_length, window=_window(win_length, y.device, y.dtype),
                      center=False, normalized=False, onesided=True, return_complex=True)
    return torch.sqrt(stft.real.pow(2) + stft.imag.pow(2) + 1e-6)


def spec_to_mel(spec: torch.Tensor, sr: int, n_fft: int, n_mels: int, fmin: float = 0.0, fmax: float | None = None) -> torch.Tensor:
    basis = _basis(sr, n_fft, n_mels, fmin, fmax, spec.device, spec.dtype)
    return torch.log(torch.clamp(torch.matmul(basis, spec), min=1e-5))


def mel_spectrogram(y: torch.Tensor, sr: int, n_fft: int, n_mels: int, hop: int, win_length: int,
                    fmin: float = 0.0, fmax: float | None = None) -> torch.Tensor:
    return spec_to_mel(spectrogram(y, n_fft, hop, win_length), sr, n_fft, n_mels, fmin, fmax)
