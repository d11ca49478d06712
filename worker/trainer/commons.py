"""Small tensor helpers shared by the model, the loop and the export."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import weight_norm as _legacy_weight_norm


def weight_norm(module: nn.Module) -> nn.Module:
    """Legacy weight norm: stores ``weight_g`` / ``weight_v`` (the names upstream's files use)."""
    return _legacy_weight_norm(module)


def strip_weight_norm(model: nn.Module) -> nn.Module:
    """Fold every legacy weight norm back into a plain ``weight`` (used before ONNX export)."""
    from torch.nn.utils import remove_weight_norm

    for mod in model.modules():
        for hook in list(getattr(mod, "_forward_pre_hooks", {}).values()):
            if hook.__class__.__name__ == "WeightNorm":
                remove_weight_norm(mod)
                break
    return model


def padding_for(kernel_size: int, dilation: int = 1) -> int:
    """'same' padding for an odd kernel with dilation."""
    return (kernel_size * dilation - dilation) // 2


def init_normal(module: nn.Module, std: float = 0.01) -> None:
    if module.__class__.__name__.find("Conv") != -1:
        module.weight.data.normal_(0.0, std)


def sequence_mask(lengths: torch.Tensor, max_len: int | torch.Tensor | None = None) -> torch.Tensor:
    """[B] lengths → [B, T] bool mask, True inside each sequence."""
    if max_len is None:
        max_len = lengths.max()
    positions = torch.arange(max_len, dtype=lengths.dtype, device=lengths.device)
    return positions.unsqueeze(0) < lengths.unsqueeze(1)


def slice_segments(x: torch.Tensor, starts: torch.Tensor, size: int) -> torch.Tensor:
    """Take ``size`` steps of the last axis from each batch row, starting at ``starts[b]``.

    Works for [B, C, T] and [B, T]. Rows whose window would run past the end are zero-padded.
    """
    needed = int(starts.max().item()) + size if starts.numel() else size
    if x.size(-1) < needed:
        x = F.pad(x, (0, needed - x.size(-1)))
    out = []
    for b in range(x.size(0)):
        s = int(starts[b].item())
        out.append(x[b, ..., s : s + size])
    return torch.stack(out, 0)


def random_segment_starts(lengths: torch.Tensor, size: int) -> torch.Tensor:
    """Uniform random start frames: floor(U * (len - size + 1)), never negative."""
    span = torch.clamp(lengths - size + 1, min=1).to(torch.float32)
    return (torch.rand(lengths.size(0), device=lengths.device) * span).to(torch.long)


def gated_activation(x_in: torch.Tensor, cond: torch.Tensor, half: int) -> torch.Tensor:
    """tanh(first half) * sigmoid(second half) of ``x_in + cond`` (WaveNet gate)."""
    s = x_in + cond
    return torch.tanh(s[:, :half]) * torch.sigmoid(s[:, half:])


def publish(tmp: str, path: str) -> None:
    """Give a temp file the normal permissions (mkstemp makes 0600) and rename it over ``path`` atomically."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, path)


def load_file(path: str, policy: str = "weights"):
    """Every PyTorch file the trainer reads goes through the restricted unpickler (``safe_pickle``): a file that
    names any other Python global is refused with :class:`safe_pickle.RefusedGlobal`; there is no fallback."""
    from .safe_pickle import safe_load

    return safe_load(path, policy)
