#!/usr/bin/env python3
"""Convert a fairseq HuBERT/ContentVec checkpoint (RVC's hubert_base.pt) to the ONNX content model Voice Studio runs.

    python3 scripts/assets/convert_hubert.py CHECKPOINT OUT.onnx [--layer 12] [--proj] [--opset 17]

  v2 (default): output of transformer layer 12, no projection  -> [1, T, 768]   (vec-768-layer-12.onnx)
  v1: --layer 9 --proj: layer 9 then final_proj                 -> [1, T, 256]   (vec-256-layer-9.onnx)
Input: 16 kHz mono float32 audio [1, 1, N]; T = floor((N - 400) / 320) + 1 (rvc-formats section 3).
Also writes OUT.json (OUT with ".json" appended) with the checkpoint's task.normalize flag (whole-utterance waveform normalisation, which the
caller applies before chunking) and the architecture found.

The HuBERT-base architecture is written here (no fairseq needed): conv feature extractor (first layer with a
GroupNorm over channels, GELU, no conv bias), LayerNorm, post_extract_proj, a grouped positional convolution with
weight norm (its last output frame dropped: even kernel), LayerNorm (post-LN encoder), then post-LN transformer
layers. Sizes come from the checkpoint's tensor shapes; the head count from its config (default 12).
The checkpoint is unpickled by the trainer's restricted unpickler (worker/trainer/safe_pickle.py, policy "asset"):
inert stand-ins for fairseq/omegaconf classes, so neither has to be installed, and no other Python global is loaded.
"""
import argparse
import json
import math
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F


# ---------------------------------------------------------------- loading without fairseq
# The restricted unpickler of the trainer package: tensors plus inert stand-ins for fairseq/omegaconf config
# classes; any other global in the file (os.system, builtins.eval, ...) is refused, never imported.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "worker"))
from trainer.safe_pickle import safe_load  # noqa: E402


def load_checkpoint(path):
    ckpt = safe_load(path, "asset")
    if not isinstance(ckpt, dict) or "model" not in ckpt:
        raise SystemExit(f"{path}: not a fairseq checkpoint (no 'model' entry)")
    return ckpt


def _get(obj, *names):
    """obj.a.b or obj['a']['b'] for a config stored as dict, Namespace or stub; None when absent."""
    for n in names:
        if obj is None:
            return None
        obj = obj.get(n) if isinstance(obj, dict) else getattr(obj, n, None)
    return obj


def config_value(ckpt, section, key):
    v = _get(ckpt.get("cfg"), section, key)
    return v if v is not None else _get(ckpt.get("args"), key)


# ---------------------------------------------------------------- the architecture
class Hubert(nn.Module):
    def __init__(self, sd, heads):
        super().__init__()
        conv_keys = sorted({int(k.split(".")[2]) for k in sd if k.startswith("feature_extractor.conv_layers.")})
        self.convs = nn.ModuleList()
        for i in conv_keys:
            w = sd[f"feature_extractor.conv_layers.{i}.0.weight"]
            stride = 5 if i == 0 else 2  # HuBERT-base: strides 5,2,2,2,2,2,2 (the weights do not record strides)
            self.convs.append(nn.Conv1d(w.shape[1], w.shape[0], w.shape[2], stride=stride, bias=False))
        c = sd["feature_extractor.conv_layers.0.0.weight"].shape[0]
        self.group_norm = nn.GroupNorm(c, c)
        self.layer_norm = nn.LayerNorm(c)
        d = sd["post_extract_proj.weight"].shape[0]
        self.post_extract_proj = nn.Linear(c, d)
        v = sd["encoder.pos_conv.0.weight_v"]
        self.pos_groups = d // v.shape[1]
        self.pos_conv = nn.Conv1d(d, d, v.shape[2], padding=v.shape[2] // 2, groups=self.pos_groups)
        self.pos_drop_last = v.shape[2] % 2 == 0
        self.encoder_norm = nn.LayerNorm(d)
        n_layers = len({k.split(".")[2] for k in sd if k.startswith("encoder.layers.")})
        ffn = sd["encoder.layers.0.fc1.weight"].shape[0]
        self.layers = nn.ModuleList(EncoderLayer(d, heads, ffn) for _ in range(n_layers))
        self.final_proj = nn.Linear(d, sd["final_proj.weight"].shape[0]) if "final_proj.weight" in sd else None
        self.heads = heads
        self._load(sd)

    def _load(self, sd):
        own = {}
        for i in range(len(self.convs)):
            own[f"convs.{i}.weight"] = sd[f"feature_extractor.conv_layers.{i}.0.weight"]
        own["group_norm.weight"] = sd["feature_extractor.conv_layers.0.2.weight"]
        own["group_norm.bias"] = sd["feature_extractor.conv_layers.0.2.bias"]
        for n in ("layer_norm", "post_extract_proj"):
            own[f"{n}.weight"], own[f"{n}.bias"] = sd[f"{n}.weight"], sd[f"{n}.bias"]
        g, v = sd["encoder.pos_conv.0.weight_g"], sd["encoder.pos_conv.0.weight_v"]
        # weight norm over dim 2: w[:, :, k] = g[k] * v[:, :, k] / ||v[:, :, k]||
        own["pos_conv.weight"] = g * v / v.norm(dim=(0, 1), keepdim=True)
        own["pos_conv.bias"] = sd["encoder.pos_conv.0.bias"]
        own["encoder_norm.weight"], own["encoder_norm.bias"] = sd["encoder.layer_norm.weight"], sd["encoder.layer_norm.bias"]
        for i in range(len(self.layers)):
            p = f"encoder.layers.{i}."
            for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
                for t in ("weight", "bias"):
                    own[f"layers.{i}.{n}.{t}"] = sd[f"{p}self_attn.{n}.{t}"]
            for n in ("self_attn_layer_norm", "fc1", "fc2", "final_layer_norm"):
                for t in ("weight", "bias"):
                    own[f"layers.{i}.{n}.{t}"] = sd[f"{p}{n}.{t}"]
        if self.final_proj is not None:
            own["final_proj.weight"], own["final_proj.bias"] = sd["final_proj.weight"], sd["final_proj.bias"]
        self.load_state_dict({k: t.float() for k, t in own.items()}, strict=True)


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ffn)
        self.fc2 = nn.Linear(ffn, d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x):  # [B, T, D], post-LN
        b, t, d = x.shape
        hd = d // self.heads
        q = self.q_proj(x) * (hd ** -0.5)
        k = self.k_proj(x)
        v = self.v_proj(x)
        split = lambda z: z.reshape(b, t, self.heads, hd).transpose(1, 2)  # [B, H, T, hd]
        att = torch.softmax(split(q) @ split(k).transpose(2, 3), dim=-1)
        y = (att @ split(v)).transpose(1, 2).reshape(b, t, d)
        x = self.self_attn_layer_norm(x + self.out_proj(y))
        x = self.final_layer_norm(x + self.fc2(F.gelu(self.fc1(x))))
        return x


class ContentModel(nn.Module):
    """[1, 1, N] audio -> [1, T, C]: output of transformer layer `layer` (1-based), optionally final_proj."""

    def __init__(self, hubert, layer, proj):
        super().__init__()
        if not 1 <= layer <= len(hubert.layers):
            raise SystemExit(f"--layer must be 1..{len(hubert.layers)}")
        if proj and hubert.final_proj is None:
            raise SystemExit("--proj: the checkpoint has no final_proj")
        self.h = hubert
        self.layer = layer
        self.proj = proj

    def forward(self, audio):
        h = self.h
        x = audio.reshape(1, 1, -1)
        for i, conv in enumerate(h.convs):
            x = conv(x)
            if i == 0:
                x = h.group_norm(x)
            x = F.gelu(x)
        x = h.post_extract_proj(h.layer_norm(x.transpose(1, 2)))  # [1, T, D]
        pos = h.pos_conv(x.transpose(1, 2))
        if h.pos_drop_last:
            pos = pos[:, :, :-1]
        x = h.encoder_norm(x + F.gelu(pos).transpose(1, 2))
        for layer in h.layers[: self.layer]:
            x = layer(x)
        return h.final_proj(x) if self.proj else x


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--layer", type=int, default=12)
    ap.add_argument("--proj", action="store_true", help="apply final_proj (v1 features)")
    ap.add_argument("--opset", type=int, default=17)
    a = ap.parse_args(argv[1:])

    ckpt = load_checkpoint(a.checkpoint)
    sd = ckpt["model"]
    heads = config_value(ckpt, "model", "encoder_attention_heads") or 12
    normalize = bool(config_value(ckpt, "task", "normalize") or False)
    hubert = Hubert(sd, int(heads)).eval()
    model = ContentModel(hubert, a.layer, a.proj).eval()
    example = torch.zeros(1, 1, 16000)
    with torch.no_grad():
        out = model(example)
        torch.onnx.export(model, (example,), a.out, input_names=["source"], output_names=["features"],
                          dynamic_axes={"source": {2: "samples"}, "features": {1: "frames"}},
                          opset_version=a.opset, do_constant_folding=True)
    info = {
        "source": a.checkpoint, "layer": a.layer, "final_proj": a.proj, "dim": int(out.shape[-1]),
        "normalize": normalize, "heads": int(heads), "layers": len(hubert.layers),
        "input": [1, 1, "N"], "output": [1, "floor((N-400)/320)+1", int(out.shape[-1])],
    }
    with open(a.out + ".json", "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
