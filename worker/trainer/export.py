"""Small inference model (§6) and ONNX export of the synthesizer (§9.4)."""

from __future__ import annotations

import logging
import warnings
import os
import tempfile
from collections import OrderedDict
from typing import Dict, Sequence

import torch
from torch import nn

from .checkpoints import atomic_save
from .commons import load_file, publish, strip_weight_norm
from .errors import TrainerError
from .models import Synthesizer

log = logging.getLogger("trainer.export")

SR_NAMES = {32000: "32k", 40000: "40k", 48000: "48k"}


def small_model_dict(g_state: Dict[str, torch.Tensor], config_list: Sequence, *, epoch: int | None = None,
                     info: str | None = None, sr: int, f0: bool, version: str) -> "OrderedDict":
    """savee layout: weight (fp16, no enc_q), config (18 items, segment_size placeholder 32), info, sr, f0, version."""
    weight = OrderedDict((k, v.detach().cpu().half()) for k, v in g_state.items() if "enc_q" not in k)
    config = list(config_list)
    config[1] = 32  # upstream writes a placeholder segment size
    config[-3] = int(weight["emb_g.weight"].shape[0])
    out = OrderedDict()
    out["weight"] = weight
    out["config"] = config
    out["info"] = info if info is not None else f"{epoch}epoch"
    out["sr"] = SR_NAMES[int(sr)]
    out["f0"] = 1 if f0 else 0
    out["version"] = version
    return out


def save_small_model(path: str, g_state, config_list, *, epoch=None, info=None, sr: int, f0: bool, version: str) -> None:
    atomic_save(small_model_dict(g_state, config_list, epoch=epoch, info=info, sr=sr, f0=f0, version=version), path)


def load_small_model(path: str) -> tuple[Synthesizer, dict]:
    """Build the synthesizer from a small model file the way upstream's loaders do (strict=False, no enc_q)."""
    try:
        cpt = load_file(path)
    except Exception as e:  # noqa: BLE001
        raise TrainerError(f"{path} is not a readable PyTorch file ({e})") from e
    if not isinstance(cpt, dict) or "weight" not in cpt or "config" not in cpt:
        raise TrainerError(f"{path} is not an RVC small model (needs 'weight' and 'config')")
    config = list(cpt["config"])
    config[-3] = int(cpt["weight"]["emb_g.weight"].shape[0])
    version = cpt.get("version", "v1")
    f0 = bool(cpt.get("f0", 1))
    net = Synthesizer.from_config_list(config, version=version, f0=f0)
    del net.enc_q
    net.load_state_dict({k: v.float() for k, v in cpt["weight"].items()}, strict=False)
    return net.eval(), cpt


class OnnxSynth(nn.Module):
    """Upstream's ONNX signature: (phone, phone_lengths, pitch, pitchf, ds, rnd) → audio [1, 1, T·hop]."""

    def __init__(self, net: Synthesizer):
        super().__init__()
        self.net = net

    def forward(self, phone, phone_lengths, pitch, pitchf, ds, rnd):
        n = self.net
        g = n.emb_g(ds).unsqueeze(-1)
        m_p, logs_p, x_mask = n.enc_p(phone, pitch if n.use_f0 else None, phone_lengths)
        z_p = (m_p + torch.exp(logs_p) * rnd) * x_mask
        z = n.flow(z_p, x_mask, g=g, reverse=True)
        return n.dec(z * x_mask, pitchf if n.use_f0 else None, g=g)


def _opset() -> int:
    try:
        from torch.onnx import _constants

        return min(18, int(getattr(_constants, "ONNX_MAX_OPSET", 17)))
    except Exception:  # noqa: BLE001
        return 17


def export_onnx(net: Synthesizer, path: str, frames: int = 200) -> int:
    """fp32 export with dynamic time axes; returns the opset used. Weight norm is folded first."""
    state = {k: v.detach().float().cpu() for k, v in net.state_dict().items() if "enc_q" not in k}
    net = Synthesizer.from_config_list(net.config_list, version=net.version, f0=net.use_f0)
    del net.enc_q
    net.load_state_dict(state, strict=True)
    net.eval()
    strip_weight_norm(net)
    wrapper = OnnxSynth(net).eval()
    dim = net.enc_p.emb_phone.in_features
    phone = torch.rand(1, frames, dim)
    phone_lengths = torch.tensor([frames], dtype=torch.long)
    pitch = torch.randint(5, 255, (1, frames), dtype=torch.long)
    pitchf = torch.rand(1, frames) * 400 + 50
    ds = torch.zeros(1, dtype=torch.long)
    rnd = torch.rand(1, net.inter_channels, frames)
    opset = _opset()
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    os.close(fd)
    try:
        extra = {}
        try:
            import inspect

            if "dynamo" in inspect.signature(torch.onnx.export).parameters:
                extra["dynamo"] = False  # the TorchScript exporter, which upstream used (newer torch defaults to dynamo)
        except (TypeError, ValueError):
            pass
        # the TorchScript exporter warns about internals (constant folding, shape inference of constants, tracer
        # checks) that say nothing to whoever reads the job's log; the result is verified numerically in the tests
        with torch.no_grad(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning)
            warnings.filterwarnings("ignore", category=FutureWarning)
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            torch.onnx.export(
                wrapper, (phone, phone_lengths, pitch, pitchf, ds, rnd), tmp, **extra,
                input_names=["phone", "phone_lengths", "pitch", "pitchf", "ds", "rnd"],
                output_names=["audio"],
                dynamic_axes={"phone": {1: "frames"}, "pitch": {1: "frames"}, "pitchf": {1: "frames"}, "rnd": {2: "frames"}},
                do_constant_folding=False, opset_version=opset, verbose=False,
            )
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return opset
