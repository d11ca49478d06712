"""Building blocks of the RVC synthesizer.

Attribute names and registration order are chosen so that ``state_dict()`` keys, shapes and order equal
upstream's (rvc-formats.md §7 and appendix A). Written from that description, not from upstream code.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .commons import gated_activation, init_normal, padding_for, weight_norm

LRELU_SLOPE = 0.1


class ChannelLayerNorm(nn.Module):
    """LayerNorm over the channel axis of [B, C, T]; parameters are named ``gamma`` / ``beta``."""

    def __init__(self, channels: int, eps: float = 1e-5):
        super().__init__()
        self.channels = channels
        self.eps = eps
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.layer_norm(x.transpose(1, -1), (self.channels,), self.gamma, self.beta, self.eps)
        return y.transpose(1, -1)


class RelativeSelfAttention(nn.Module):
    """Multi-head self-attention with windowed relative position embeddings shared across heads."""

    def __init__(self, channels: int, out_channels: int, n_heads: int, p_dropout: float = 0.0, window_size: int = 10):
        super().__init__()
        assert channels % n_heads == 0
        self.n_heads = n_heads
        self.k_channels = channels // n_heads
        self.window_size = window_size
        scale = self.k_channels ** -0.5
        # direct parameters first: they come before the convs in state_dict order
        self.emb_rel_k = nn.Parameter(torch.randn(1, 2 * window_size + 1, self.k_channels) * scale)
        self.emb_rel_v = nn.Parameter(torch.randn(1, 2 * window_size + 1, self.k_channels) * scale)
        self.conv_q = nn.Conv1d(channels, channels, 1)
        self.conv_k = nn.Conv1d(channels, channels, 1)
        self.conv_v = nn.Conv1d(channels, channels, 1)
        self.conv_o = nn.Conv1d(channels, out_channels, 1)
        self.drop = nn.Dropout(p_dropout)
        for conv in (self.conv_q, self.conv_k, self.conv_v):
            nn.init.xavier_uniform_(conv.weight)

    def _relative_table(self, table: torch.Tensor, length) -> torch.Tensor:
        # Embeddings for relative distances -(L-1)..(L-1); distances beyond the window get zeros.
        # Branch-free (pads by L-1 on both sides): no Python decisions on traced sizes in the ONNX export.
        padded = F.pad(table, (0, 0, length - 1, length - 1))
        w = self.window_size
        return padded[:, w : w + 2 * length - 1]

    @staticmethod
    def _rel_to_abs(x: torch.Tensor) -> torch.Tensor:
        # [B, H, L, 2L-1] (relative) -> [B, H, L, L] (absolute)
        b, h, length, _ = x.shape
        x = F.pad(x, (0, 1))
        flat = x.reshape(b, h, length * 2 * length)
        flat = F.pad(flat, (0, length - 1))
        return flat.reshape(b, h, length + 1, 2 * length - 1)[:, :, :length, length - 1 :]

    @staticmethod
    def _abs_to_rel(x: torch.Tensor) -> torch.Tensor:
        # [B, H, L, L] (absolute) -> [B, H, L, 2L-1] (relative)
        b, h, length, _ = x.shape
        x = F.pad(x, (0, length - 1))
        flat = x.reshape(b, h, length * length + length * (length - 1))
        flat = F.pad(flat, (length, 0))
        return flat.reshape(b, h, length, 2 * length)[:, :, :, 1:]

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor) -> torch.Tensor:
        b, d, t = x.shape
        q = self.conv_q(x).view(b, self.n_heads, self.k_channels, t).transpose(2, 3)
        k = self.conv_k(x).view(b, self.n_heads, self.k_channels, t).transpose(2, 3)
        v = self.conv_v(x).view(b, self.n_heads, self.k_channels, t).transpose(2, 3)
        q = q / math.sqrt(self.k_channels)
        scores = torch.matmul(q, k.transpose(-2, -1))
        rel_k = self._relative_table(self.emb_rel_k, t)
        scores = scores + self._rel_to_abs(torch.matmul(q, rel_k.unsqueeze(0).transpose(-2, -1)))
        scores = scores.masked_fill(attn_mask == 0, -1e4)
        p = self.drop(F.softmax(scores, dim=-1))
        out = torch.matmul(p, v)
        rel_v = self._relative_table(self.emb_rel_v, t)
        out = out + torch.matmul(self._abs_to_rel(p), rel_v.unsqueeze(0))
        out = out.transpose(2, 3).reshape(b, d, t)
        return self.conv_o(out)


class FeedForward(nn.Module):
    """conv(k) → ReLU → conv(k), 'same' padding, masked."""

    def __init__(self, in_channels: int, out_channels: int, filter_channels: int, kernel_size: int, p_dropout: float = 0.0):
        super().__init__()
        self.kernel_size = kernel_size
        self.conv_1 = nn.Conv1d(in_channels, filter_channels, kernel_size)
        self.conv_2 = nn.Conv1d(filter_channels, out_channels, kernel_size)
        self.drop = nn.Dropout(p_dropout)

    def _pad(self, x: torch.Tensor) -> torch.Tensor:
        if self.kernel_size == 1:
            return x
        return F.pad(x, ((self.kernel_size - 1) // 2, self.kernel_size // 2))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.conv_1(self._pad(x * mask))
        x = self.drop(torch.relu(x))
        x = self.conv_2(self._pad(x * mask))
        return x * mask


class AttentionEncoder(nn.Module):
    """Post-norm transformer encoder (attention + FFN per layer)."""

    def __init__(self, hidden_channels, filter_channels, n_heads, n_layers, kernel_size=1, p_dropout=0.0, window_size=10):
        super().__init__()
        self.n_layers = n_layers
        self.drop = nn.Dropout(p_dropout)
        self.attn_layers = nn.ModuleList()
        self.norm_layers_1 = nn.ModuleList()
        self.ffn_layers = nn.ModuleList()
        self.norm_layers_2 = nn.ModuleList()
        for _ in range(n_layers):
            self.attn_layers.append(RelativeSelfAttention(hidden_channels, hidden_channels, n_heads, p_dropout, window_size))
            self.norm_layers_1.append(ChannelLayerNorm(hidden_channels))
            self.ffn_layers.append(FeedForward(hidden_channels, hidden_channels, filter_channels, kernel_size, p_dropout))
            self.norm_layers_2.append(ChannelLayerNorm(hidden_channels))

    def forward(self, x: torch.Tensor, x_mask: torch.Tensor) -> torch.Tensor:
        attn_mask = x_mask.unsqueeze(2) * x_mask.unsqueeze(-1)
        x = x * x_mask
        for i in range(self.n_layers):
            y = self.drop(self.attn_layers[i](x, attn_mask))
            x = self.norm_layers_1[i](x + y)
            y = self.drop(self.ffn_layers[i](x, x_mask))
            x = self.norm_layers_2[i](x + y)
        return x * x_mask


class WaveNet(nn.Module):
    """Non-causal gated WaveNet stack with global conditioning (``WN`` in upstream's key names)."""

    def __init__(self, hidden_channels, kernel_size, dilation_rate, n_layers, gin_channels=0, p_dropout=0.0):
        super().__init__()
        assert kernel_size % 2 == 1
        self.hidden_channels = hidden_channels
        self.n_layers = n_layers
        self.gin_channels = gin_channels
        self.in_layers = nn.ModuleList()
        self.res_skip_layers = nn.ModuleList()
        self.drop = nn.Dropout(p_dropout)
        if gin_channels:
            self.cond_layer = weight_norm(nn.Conv1d(gin_channels, 2 * hidden_channels * n_layers, 1))
        for i in range(n_layers):
            dilation = dilation_rate ** i
            self.in_layers.append(
                weight_norm(
                    nn.Conv1d(hidden_channels, 2 * hidden_channels, kernel_size, dilation=dilation,
                              padding=padding_for(kernel_size, dilation))
                )
            )
            out = 2 * hidden_channels if i < n_layers - 1 else hidden_channels
            self.res_skip_layers.append(weight_norm(nn.Conv1d(hidden_channels, out, 1)))

    def forward(self, x: torch.Tensor, x_mask: torch.Tensor, g: torch.Tensor | None = None) -> torch.Tensor:
        h = self.hidden_channels
        output = torch.zeros_like(x)
        cond = self.cond_layer(g) if (g is not None and self.gin_channels) else None
        for i in range(self.n_layers):
            x_in = self.in_layers[i](x)
            c = cond[:, 2 * h * i : 2 * h * (i + 1)] if cond is not None else torch.zeros_like(x_in)
            acts = self.drop(gated_activation(x_in, c, h))
            res_skip = self.res_skip_layers[i](acts)
            if i < self.n_layers - 1:
                x = (x + res_skip[:, :h]) * x_mask
                output = output + res_skip[:, h:]
            else:
                output = output + res_skip
        return output * x_mask


class ResBlock1(nn.Module):
    """HiFi-GAN residual block type 1: three (dilated conv, conv) pairs."""

    def __init__(self, channels: int, kernel_size: int = 3, dilation=(1, 3, 5)):
        super().__init__()
        self.convs1 = nn.ModuleList(
            weight_norm(nn.Conv1d(channels, channels, kernel_size, 1, dilation=d, padding=padding_for(kernel_size, d)))
            for d in dilation
        )
        self.convs2 = nn.ModuleList(
            weight_norm(nn.Conv1d(channels, channels, kernel_size, 1, dilation=1, padding=padding_for(kernel_size, 1)))
            for _ in dilation
        )
        self.convs1.apply(init_normal)
        self.convs2.apply(init_normal)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for c1, c2 in zip(self.convs1, self.convs2):
            xt = c2(F.leaky_relu(c1(F.leaky_relu(x, LRELU_SLOPE)), LRELU_SLOPE))
            x = x + xt
        return x


class ResBlock2(nn.Module):
    """HiFi-GAN residual block type 2: two dilated convs."""

    def __init__(self, channels: int, kernel_size: int = 3, dilation=(1, 3)):
        super().__init__()
        self.convs = nn.ModuleList(
            weight_norm(nn.Conv1d(channels, channels, kernel_size, 1, dilation=d, padding=padding_for(kernel_size, d)))
            for d in dilation
        )
        self.convs.apply(init_normal)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for c in self.convs:
            x = x + c(F.leaky_relu(x, LRELU_SLOPE))
        return x


class Flip(nn.Module):
    def forward(self, x, x_mask=None, g=None, reverse=False):
        return torch.flip(x, [1])


class CouplingLayer(nn.Module):
    """Mean-only affine coupling: the second half is shifted by a WaveNet of the first half."""

    def __init__(self, channels, hidden_channels, kernel_size, dilation_rate, n_layers, gin_channels=0):
        super().__init__()
        assert channels % 2 == 0
        self.half = channels // 2
        self.pre = nn.Conv1d(self.half, hidden_channels, 1)
        self.enc = WaveNet(hidden_channels, kernel_size, dilation_rate, n_layers, gin_channels=gin_channels)
        self.post = nn.Conv1d(hidden_channels, self.half, 1)
        self.post.weight.data.zero_()
        self.post.bias.data.zero_()

    def forward(self, x, x_mask, g=None, reverse=False):
        x0, x1 = x[:, : self.half], x[:, self.half :]
        h = self.pre(x0) * x_mask
        h = self.enc(h, x_mask, g=g)
        m = self.post(h) * x_mask
        if not reverse:
            x1 = (m + x1) * x_mask
        else:
            x1 = (x1 - m) * x_mask
        return torch.cat([x0, x1], 1)
