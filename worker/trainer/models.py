"""RVC synthesizer (v1/v2, with or without pitch) and the multi-period discriminator.

Submodule names, registration order and shapes follow rvc-formats.md §7 so that ``state_dict()`` equals
upstream's key for key (appendix A/B). Behaviour is written from that description.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import commons
from .commons import init_normal, padding_for, sequence_mask, weight_norm
from .modules import LRELU_SLOPE, AttentionEncoder, CouplingLayer, Flip, ResBlock1, ResBlock2, WaveNet

SR_HZ = {"32k": 32000, "40k": 40000, "48k": 48000}


# --------------------------------------------------------------------------------------------- encoders


class TextEncoder(nn.Module):
    """Content features (+ coarse pitch) → prior mean / log-std."""

    def __init__(self, out_channels, hidden_channels, filter_channels, n_heads, n_layers, kernel_size, p_dropout,
                 feature_dim=768, f0=True):
        super().__init__()
        self.out_channels = out_channels
        self.hidden_channels = hidden_channels
        self.emb_phone = nn.Linear(feature_dim, hidden_channels)
        if f0:
            self.emb_pitch = nn.Embedding(256, hidden_channels)
        self.encoder = AttentionEncoder(hidden_channels, filter_channels, n_heads, n_layers, kernel_size, float(p_dropout))
        self.proj = nn.Conv1d(hidden_channels, out_channels * 2, 1)

    def forward(self, phone, pitch, lengths):
        x = self.emb_phone(phone)
        if pitch is not None:
            x = x + self.emb_pitch(pitch)
        x = F.leaky_relu(x * math.sqrt(self.hidden_channels), 0.1)
        x = x.transpose(1, -1)
        x_mask = sequence_mask(lengths, x.size(2)).unsqueeze(1).to(x.dtype)
        x = self.encoder(x * x_mask, x_mask)
        stats = self.proj(x) * x_mask
        m, logs = torch.split(stats, self.out_channels, dim=1)
        return m, logs, x_mask


class PosteriorEncoder(nn.Module):
    """Linear spectrogram → posterior sample z (training only)."""

    def __init__(self, in_channels, out_channels, hidden_channels, kernel_size, dilation_rate, n_layers, gin_channels=0):
        super().__init__()
        self.out_channels = out_channels
        self.pre = nn.Conv1d(in_channels, hidden_channels, 1)
        self.enc = WaveNet(hidden_channels, kernel_size, dilation_rate, n_layers, gin_channels=gin_channels)
        self.proj = nn.Conv1d(hidden_channels, out_channels * 2, 1)

    def forward(self, x, lengths, g=None):
        x_mask = sequence_mask(lengths, x.size(2)).unsqueeze(1).to(x.dtype)
        x = self.pre(x) * x_mask
        x = self.enc(x, x_mask, g=g)
        stats = self.proj(x) * x_mask
        m, logs = torch.split(stats, self.out_channels, dim=1)
        z = (m + torch.randn_like(m) * torch.exp(logs)) * x_mask
        return z, m, logs, x_mask


class FlowBlock(nn.Module):
    """4 × (coupling layer, channel flip) — ``flow.flows.{0..7}``."""

    def __init__(self, channels, hidden_channels, kernel_size, dilation_rate, n_layers, n_flows=4, gin_channels=0):
        super().__init__()
        self.flows = nn.ModuleList()
        for _ in range(n_flows):
            self.flows.append(CouplingLayer(channels, hidden_channels, kernel_size, dilation_rate, n_layers, gin_channels))
            self.flows.append(Flip())

    def forward(self, x, x_mask, g=None, reverse=False):
        flows = self.flows if not reverse else reversed(self.flows)
        for flow in flows:
            x = flow(x, x_mask, g=g, reverse=reverse)
        return x


# --------------------------------------------------------------------------------------------- decoders


class SineSource(nn.Module):
    """NSF excitation: a sine at f0 (continuous phase), noise where unvoiced, merged by Linear(1→1)+tanh.

    ``m_source.l_linear`` in upstream's key names. harmonic_num = 0, sine amplitude 0.1, noise std 0.003.
    """

    def __init__(self, sampling_rate: int, sine_amp: float = 0.1, noise_std: float = 0.003, voiced_threshold: float = 0.0):
        super().__init__()
        self.sampling_rate = sampling_rate
        self.sine_amp = sine_amp
        self.noise_std = noise_std
        self.voiced_threshold = voiced_threshold
        self.l_linear = nn.Linear(1, 1)

    def excitation(self, f0: torch.Tensor, upp: int) -> torch.Tensor:
        """f0 [B, T] in Hz → excitation [B, T*upp, 1] (before the linear layer)."""
        f0 = f0.float()
        b = f0.size(0)
        inc = f0 / self.sampling_rate  # phase advance per sample, in cycles, per frame
        steps = torch.arange(1, upp + 1, dtype=f0.dtype, device=f0.device)
        within = inc.unsqueeze(-1) * steps  # [B, T, upp]: phase inside each frame
        # Phase carried into each frame: exclusive cumulative sum of per-frame advances, kept near zero
        # (wrapped to [-0.5, 0.5) before summing) so float32 stays precise on long inputs.
        adv = torch.fmod(inc * upp + 0.5, 1.0) - 0.5
        carried = torch.fmod(torch.cumsum(adv, dim=1) - adv, 1.0)
        phase = (within + carried.unsqueeze(-1)).reshape(b, -1, 1)
        sine = self.sine_amp * torch.sin(2 * math.pi * phase)
        uv = (f0 > self.voiced_threshold).to(sine.dtype)
        uv = uv.unsqueeze(-1).expand(-1, -1, upp).reshape(b, -1, 1)
        noise_amp = uv * self.noise_std + (1 - uv) * (self.sine_amp / 3)
        noise = noise_amp * torch.randn_like(sine)
        return sine * uv + noise

    def forward(self, f0: torch.Tensor, upp: int) -> torch.Tensor:
        ex = self.excitation(f0, upp).to(self.l_linear.weight.dtype)
        return torch.tanh(self.l_linear(ex))


class GeneratorNSF(nn.Module):
    """NSF-HiFiGAN decoder: latent frames + f0 → waveform."""

    def __init__(self, initial_channel, resblock, resblock_kernel_sizes, resblock_dilation_sizes, upsample_rates,
                 upsample_initial_channel, upsample_kernel_sizes, gin_channels, sr, f0=True):
        super().__init__()
        self.use_f0 = f0
        self.num_kernels = len(resblock_kernel_sizes)
        self.num_upsamples = len(upsample_rates)
        self.upp = int(np.prod(upsample_rates))
        if f0:
            self.m_source = SineSource(sr)
            self.noise_convs = nn.ModuleList()
        self.conv_pre = nn.Conv1d(initial_channel, upsample_initial_channel, 7, 1, padding=3)
        block = ResBlock1 if str(resblock) == "1" else ResBlock2
        self.ups = nn.ModuleList()
        for i, (u, k) in enumerate(zip(upsample_rates, upsample_kernel_sizes)):
            c_in = upsample_initial_channel // (2 ** i)
            c_out = upsample_initial_channel // (2 ** (i + 1))
            self.ups.append(weight_norm(nn.ConvTranspose1d(c_in, c_out, k, u, padding=(k - u) // 2)))
            if f0:
                if i + 1 < len(upsample_rates):
                    s = int(np.prod(upsample_rates[i + 1 :]))
                    self.noise_convs.append(nn.Conv1d(1, c_out, kernel_size=s * 2, stride=s, padding=s // 2))
                else:
                    self.noise_convs.append(nn.Conv1d(1, c_out, kernel_size=1))
        self.resblocks = nn.ModuleList()
        ch = upsample_initial_channel
        for i in range(len(self.ups)):
            ch = upsample_initial_channel // (2 ** (i + 1))
            for k, d in zip(resblock_kernel_sizes, resblock_dilation_sizes):
                self.resblocks.append(block(ch, k, d))
        self.conv_post = nn.Conv1d(ch, 1, 7, 1, padding=3, bias=False)
        self.ups.apply(init_normal)
        if gin_channels:
            self.cond = nn.Conv1d(gin_channels, upsample_initial_channel, 1)

    def forward(self, x, f0=None, g=None):
        source = None
        if self.use_f0:
            source = self.m_source(f0, self.upp).transpose(1, 2).to(x.dtype)  # [B, 1, T*upp]
        x = self.conv_pre(x)
        if g is not None:
            x = x + self.cond(g)
        for i in range(self.num_upsamples):
            x = F.leaky_relu(x, LRELU_SLOPE)
            x = self.ups[i](x)
            if source is not None:
                x = x + self.noise_convs[i](source)
            acc = None
            for j in range(self.num_kernels):
                y = self.resblocks[i * self.num_kernels + j](x)
                acc = y if acc is None else acc + y
            x = acc / self.num_kernels
        x = F.leaky_relu(x)  # default slope 0.01 here, as upstream
        x = self.conv_post(x)
        return torch.tanh(x)


# --------------------------------------------------------------------------------------------- synthesizer


class Synthesizer(nn.Module):
    """``SynthesizerTrnMs{256,768}NSFsid[_nono]`` equivalent.

    Registration order dec, enc_q, flow, emb_g, enc_p gives upstream's state_dict order.
    """

    def __init__(self, spec_channels, segment_size, inter_channels, hidden_channels, filter_channels, n_heads, n_layers,
                 kernel_size, p_dropout, resblock, resblock_kernel_sizes, resblock_dilation_sizes, upsample_rates,
                 upsample_initial_channel, upsample_kernel_sizes, spk_embed_dim, gin_channels, sr, *, version="v2",
                 f0=True, **_ignored):
        super().__init__()
        if isinstance(sr, str):
            sr = SR_HZ[sr]
        self.version = version
        self.use_f0 = bool(f0)
        self.segment_size = int(segment_size)
        self.sr = int(sr)
        self.inter_channels = inter_channels
        self.hop_length = int(np.prod(upsample_rates))
        self.config_list = [
            spec_channels, segment_size, inter_channels, hidden_channels, filter_channels, n_heads, n_layers,
            kernel_size, p_dropout, resblock, list(resblock_kernel_sizes), [list(d) for d in resblock_dilation_sizes],
            list(upsample_rates), upsample_initial_channel, list(upsample_kernel_sizes), spk_embed_dim, gin_channels,
            int(sr),
        ]
        self.dec = GeneratorNSF(inter_channels, resblock, resblock_kernel_sizes, resblock_dilation_sizes,
                                upsample_rates, upsample_initial_channel, upsample_kernel_sizes, gin_channels,
                                self.sr, f0=self.use_f0)
        self.enc_q = PosteriorEncoder(spec_channels, inter_channels, hidden_channels, 5, 1, 16, gin_channels=gin_channels)
        self.flow = FlowBlock(inter_channels, hidden_channels, 5, 1, 3, gin_channels=gin_channels)
        self.emb_g = nn.Embedding(spk_embed_dim, gin_channels)
        self.enc_p = TextEncoder(inter_channels, hidden_channels, filter_channels, n_heads, n_layers, kernel_size,
                                 p_dropout, feature_dim=768 if version == "v2" else 256, f0=self.use_f0)

    @classmethod
    def from_hparams(cls, hp: dict, *, version="v2", f0=True) -> "Synthesizer":
        data, model = hp["data"], hp["model"]
        return cls(data["filter_length"] // 2 + 1, hp["train"]["segment_size"] // data["hop_length"], **model,
                   sr=data["sampling_rate"], version=version, f0=f0)

    @classmethod
    def from_config_list(cls, config: Sequence, *, version="v2", f0=True) -> "Synthesizer":
        return cls(*config, version=version, f0=f0)

    def forward(self, phone, phone_lengths, pitch, pitchf, spec, spec_lengths, sid):
        g = self.emb_g(sid).unsqueeze(-1)
        m_p, logs_p, x_mask = self.enc_p(phone, pitch if self.use_f0 else None, phone_lengths)
        z, m_q, logs_q, y_mask = self.enc_q(spec, spec_lengths, g=g)
        z_p = self.flow(z, y_mask, g=g)
        ids = commons.random_segment_starts(spec_lengths, self.segment_size)
        z_slice = commons.slice_segments(z, ids, self.segment_size)
        f0_slice = commons.slice_segments(pitchf, ids, self.segment_size) if self.use_f0 else None
        o = self.dec(z_slice, f0_slice, g=g)
        return o, ids, x_mask, y_mask, (z, z_p, m_p, logs_p, m_q, logs_q)

    @torch.no_grad()
    def infer(self, phone, phone_lengths, pitch=None, pitchf=None, sid=None, noise_scale: float = 0.66666, rnd=None):
        g = self.emb_g(sid).unsqueeze(-1)
        m_p, logs_p, x_mask = self.enc_p(phone, pitch if self.use_f0 else None, phone_lengths)
        if rnd is None:
            rnd = torch.randn_like(m_p) * noise_scale
        z_p = (m_p + torch.exp(logs_p) * rnd) * x_mask
        z = self.flow(z_p, x_mask, g=g, reverse=True)
        return self.dec(z * x_mask, pitchf if self.use_f0 else None, g=g)


# --------------------------------------------------------------------------------------------- discriminator


def _ch(c: int, div: int) -> int:
    return max(1, c // div)


class ScaleDiscriminator(nn.Module):
    """HiFi-GAN scale discriminator on the raw waveform (no pooling). ``channel_div`` > 1 only for tests."""

    def __init__(self, channel_div: int = 1):
        super().__init__()
        spec = [  # in, out, kernel, stride, groups, padding
            (1, 16, 15, 1, 1, 7), (16, 64, 41, 4, 4, 20), (64, 256, 41, 4, 16, 20),
            (256, 1024, 41, 4, 64, 20), (1024, 1024, 41, 4, 256, 20), (1024, 1024, 5, 1, 1, 2),
        ]
        convs = []
        for cin, cout, k, s, gr, p in spec:
            cin, cout = (1 if cin == 1 else _ch(cin, channel_div)), _ch(cout, channel_div)
            gr = max(1, gr // channel_div)
            while cin % gr or cout % gr:
                gr -= 1
            convs.append(weight_norm(nn.Conv1d(cin, cout, k, s, groups=gr, padding=p)))
        self.convs = nn.ModuleList(convs)
        self.conv_post = weight_norm(nn.Conv1d(_ch(1024, channel_div), 1, 3, 1, padding=1))

    def forward(self, x):
        fmap = []
        for conv in self.convs:
            x = F.leaky_relu(conv(x), LRELU_SLOPE)
            fmap.append(x)
        x = self.conv_post(x)
        fmap.append(x)
        return torch.flatten(x, 1, -1), fmap


class PeriodDiscriminator(nn.Module):
    """Waveform folded into [T/p, p] and judged by 2-D convs along time."""

    def __init__(self, period: int, channel_div: int = 1):
        super().__init__()
        self.period = period
        chans = [1, 32, 128, 512, 1024, 1024]
        chans = [chans[0]] + [_ch(c, channel_div) for c in chans[1:]]
        convs = []
        for i in range(5):
            stride = 3 if i < 4 else 1
            convs.append(weight_norm(nn.Conv2d(chans[i], chans[i + 1], (5, 1), (stride, 1), padding=(padding_for(5, 1), 0))))
        self.convs = nn.ModuleList(convs)
        self.conv_post = weight_norm(nn.Conv2d(chans[-1], 1, (3, 1), 1, padding=(1, 0)))

    def forward(self, x):
        fmap = []
        b, c, t = x.shape
        if t % self.period:
            n_pad = self.period - t % self.period
            x = F.pad(x, (0, n_pad), "reflect")
            t = t + n_pad
        x = x.view(b, c, t // self.period, self.period)
        for conv in self.convs:
            x = F.leaky_relu(conv(x), LRELU_SLOPE)
            fmap.append(x)
        x = self.conv_post(x)
        fmap.append(x)
        return torch.flatten(x, 1, -1), fmap


PERIODS_V1 = [2, 3, 5, 7, 11, 17]
PERIODS_V2 = [2, 3, 5, 7, 11, 17, 23, 37]


class MultiPeriodDiscriminator(nn.Module):
    """``MultiPeriodDiscriminator`` (v1, 6 periods) / ``MultiPeriodDiscriminatorV2`` (v2, 8 periods)."""

    def __init__(self, version: str = "v2", periods: Sequence[int] | None = None, channel_div: int = 1):
        super().__init__()
        if periods is None:
            periods = PERIODS_V2 if version == "v2" else PERIODS_V1
        self.discriminators = nn.ModuleList(
            [ScaleDiscriminator(channel_div)] + [PeriodDiscriminator(p, channel_div) for p in periods]
        )

    def forward(self, y, y_hat):
        real_out, fake_out, real_maps, fake_maps = [], [], [], []
        for d in self.discriminators:
            r, fr = d(y)
            g, fg = d(y_hat)
            real_out.append(r)
            fake_out.append(g)
            real_maps.append(fr)
            fake_maps.append(fg)
        return real_out, fake_out, real_maps, fake_maps


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
