"""One optimisation step (D then G, rvc-formats.md §5.3), shared by the training loop and the benchmark."""

from __future__ import annotations

import logging
from typing import Dict

import torch
import torch.nn.functional as F

from .commons import slice_segments
from .hparams import ext, segment_frames
from .losses import discriminator_loss, feature_loss, generator_loss, kl_loss
from .mel import mel_spectrogram, spec_to_mel
from .models import MultiPeriodDiscriminator, Synthesizer

log = logging.getLogger("trainer")

WEIGHT_DECAY = 0.01  # torch's AdamW default, which upstream relies on


def build_models(hp: dict, version: str, f0: bool, device: torch.device):
    net_g = Synthesizer.from_hparams(hp, version=version, f0=f0).to(device)
    e = ext(hp)
    net_d = MultiPeriodDiscriminator(version, periods=e.get("disc_periods"),
                                     channel_div=int(e.get("disc_channel_div", 1))).to(device)
    return net_g, net_d


def build_optimizers(hp: dict, net_g, net_d):
    t = hp["train"]
    kw = dict(lr=float(t["learning_rate"]), betas=tuple(t["betas"]), eps=float(t["eps"]), weight_decay=WEIGHT_DECAY)
    return torch.optim.AdamW(net_g.parameters(), **kw), torch.optim.AdamW(net_d.parameters(), **kw)


def resolve_precision(arg: str, hp: dict, device: torch.device) -> str:
    precision = arg or "auto"
    if precision == "auto":
        precision = ("fp16" if hp["train"].get("fp16_run", True) else "fp32") if device.type == "cuda" else "fp32"
    if device.type != "cuda" and precision != "fp32":
        log.warning("%s autocast is only used on CUDA; training in fp32 on %s", precision, device.type)
        precision = "fp32"
    if precision == "bf16" and not torch.cuda.is_bf16_supported():
        log.warning("this GPU has no bf16; using fp16")
        precision = "fp16"
    return precision


def grad_norm(params) -> torch.Tensor:
    norms = [p.grad.detach().float().norm(2) for p in params if p.grad is not None]
    if not norms:
        return torch.zeros(())
    return torch.norm(torch.stack(norms), 2)


class StepRunner:
    """Holds everything one step needs; ``runner(batch)`` trains on a collated batch and returns the losses."""

    def __init__(self, hp: dict, net_g, net_d, optim_g, optim_d, device: torch.device, precision: str, f0: bool):
        self.net_g, self.net_d, self.optim_g, self.optim_d = net_g, net_d, optim_g, optim_d
        self.device = device
        self.f0 = f0
        self.precision = precision
        self.amp_dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision)
        self.scaler = torch.cuda.amp.GradScaler(enabled=precision == "fp16")
        d, t = hp["data"], hp["train"]
        self.hop = d["hop_length"]
        self.win = d["win_length"]
        self.seg_frames = segment_frames(hp)
        self.seg_samples = t["segment_size"]
        self.mel_args = dict(sr=d["sampling_rate"], n_fft=d["filter_length"], n_mels=d["n_mel_channels"],
                             fmin=d.get("mel_fmin", 0.0) or 0.0, fmax=d.get("mel_fmax"))
        self.c_mel, self.c_kl = float(t["c_mel"]), float(t["c_kl"])

    def autocast(self, enabled: bool = True):
        return torch.autocast(device_type="cuda", dtype=self.amp_dtype or torch.float16,
                              enabled=self.amp_dtype is not None and enabled)

    def __call__(self, batch) -> Dict[str, float]:
        batch = [t.to(self.device, non_blocking=True) for t in batch]
        if self.f0:
            phone, phone_lengths, pitch, pitchf, spec, spec_lengths, wave, _wave_lengths, sid = batch
        else:
            phone, phone_lengths, spec, spec_lengths, wave, _wave_lengths, sid = batch
            pitch = pitchf = None
        net_g, net_d, scaler = self.net_g, self.net_d, self.scaler

        with self.autocast():
            y_hat, ids, _x_mask, z_mask, (_z, z_p, m_p, logs_p, _m_q, logs_q) = net_g(
                phone, phone_lengths, pitch, pitchf, spec, spec_lengths, sid)
        with self.autocast(False):
            mel = spec_to_mel(spec.float(), **self.mel_args)
            y_mel = slice_segments(mel, ids, self.seg_frames)
            y_hat_mel = mel_spectrogram(y_hat.float().squeeze(1), hop=self.hop, win_length=self.win, **self.mel_args)
            y = slice_segments(wave, ids * self.hop, self.seg_samples)

        # discriminator
        with self.autocast():
            d_real, d_fake, _, _ = net_d(y, y_hat.detach())
        with self.autocast(False):
            loss_disc = discriminator_loss(d_real, d_fake)
        self.optim_d.zero_grad(set_to_none=True)
        scaler.scale(loss_disc).backward()
        scaler.unscale_(self.optim_d)
        gn_d = grad_norm(net_d.parameters())  # logged only: upstream does not clip
        scaler.step(self.optim_d)

        # generator
        with self.autocast():
            d_real, d_fake, fmap_r, fmap_g = net_d(y, y_hat)
        with self.autocast(False):
            loss_mel = F.l1_loss(y_mel, y_hat_mel) * self.c_mel
            loss_kl = kl_loss(z_p, logs_q, m_p, logs_p, z_mask) * self.c_kl
            loss_fm = feature_loss(fmap_r, fmap_g)
            loss_gen = generator_loss(d_fake)
            loss_g = loss_gen + loss_fm + loss_mel + loss_kl
        self.optim_g.zero_grad(set_to_none=True)
        scaler.scale(loss_g).backward()
        scaler.unscale_(self.optim_g)
        gn_g = grad_norm(net_g.parameters())
        scaler.step(self.optim_g)
        scaler.update()

        vals = torch.stack([loss_disc.detach(), loss_gen.detach(), loss_fm.detach(), loss_mel.detach(),
                            loss_kl.detach(), loss_g.detach(), gn_g.to(loss_g.device), gn_d.to(loss_g.device)]).float()
        names = ("disc", "gen", "fm", "mel", "kl", "g_total", "grad_norm_g", "grad_norm_d")
        return dict(zip(names, vals.cpu().tolist()))
