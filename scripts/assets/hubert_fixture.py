#!/usr/bin/env python3
"""Test fixture for convert_hubert.py: a randomly initialised checkpoint with fairseq HuBERT's key layout (smaller
sizes), pickled with a config object of a class from a module that does not exist here (as real checkpoints name
fairseq/omegaconf classes), plus reference features computed by an independent functional forward that uses torch's
own multi-head attention and weight-norm.

    python3 scripts/assets/hubert_fixture.py OUT_DIR
writes OUT_DIR/hubert_random.pt, OUT_DIR/audio.f32 (16 kHz float32), OUT_DIR/ref-l{LAYER}[-proj].f32 and ref.json,
then runs convert_hubert.main on the checkpoint for each reference (OUT_DIR/<ref name>.onnx and .onnx.json).
"""
import json
import os
import sys
import types

import torch
from torch.nn import functional as F

CONV = [(64, 10, 5)] + [(64, 3, 2)] * 4 + [(64, 2, 2)] * 2
D, HEADS, FFN, LAYERS, POS_K, POS_G, PROJ = 96, 4, 192, 3, 16, 4, 32


def random_state_dict():
    g = torch.Generator().manual_seed(7)
    r = lambda *s, scale=None: torch.randn(*s, generator=g) * (scale if scale is not None else 1 / max(1, s[-1]) ** 0.5)
    sd = {}
    cin = 1
    for i, (c, k, _) in enumerate(CONV):
        sd[f"feature_extractor.conv_layers.{i}.0.weight"] = r(c, cin, k, scale=(2 / (cin * k)) ** 0.5)
        cin = c
    sd["feature_extractor.conv_layers.0.2.weight"] = 1 + 0.1 * r(cin, scale=1)
    sd["feature_extractor.conv_layers.0.2.bias"] = 0.1 * r(cin, scale=1)
    sd["layer_norm.weight"], sd["layer_norm.bias"] = 1 + 0.1 * r(cin, scale=1), 0.1 * r(cin, scale=1)
    sd["post_extract_proj.weight"], sd["post_extract_proj.bias"] = r(D, cin), 0.1 * r(D, scale=1)
    sd["mask_emb"] = r(D, scale=1)
    sd["encoder.pos_conv.0.weight_g"] = 1 + r(1, 1, POS_K, scale=0.1)
    sd["encoder.pos_conv.0.weight_v"] = r(D, D // POS_G, POS_K)
    sd["encoder.pos_conv.0.bias"] = 0.1 * r(D, scale=1)
    sd["encoder.layer_norm.weight"], sd["encoder.layer_norm.bias"] = 1 + 0.1 * r(D, scale=1), 0.1 * r(D, scale=1)
    for i in range(LAYERS):
        p = f"encoder.layers.{i}."
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            sd[f"{p}self_attn.{n}.weight"], sd[f"{p}self_attn.{n}.bias"] = r(D, D), 0.1 * r(D, scale=1)
        for n in ("self_attn_layer_norm", "final_layer_norm"):
            sd[f"{p}{n}.weight"], sd[f"{p}{n}.bias"] = 1 + 0.1 * r(D, scale=1), 0.1 * r(D, scale=1)
        sd[f"{p}fc1.weight"], sd[f"{p}fc1.bias"] = r(FFN, D), 0.1 * r(FFN, scale=1)
        sd[f"{p}fc2.weight"], sd[f"{p}fc2.bias"] = r(D, FFN), 0.1 * r(D, scale=1)
    sd["final_proj.weight"], sd["final_proj.bias"] = r(PROJ, D), 0.1 * r(PROJ, scale=1)
    sd["label_embs_concat"] = r(504, PROJ, scale=1)
    return sd


def reference(sd, audio, layer, proj):
    """Independent forward: functional ops, torch's multi_head_attention_forward and _weight_norm."""
    x = audio.reshape(1, 1, -1)
    for i, (_, _, s) in enumerate(CONV):
        x = F.conv1d(x, sd[f"feature_extractor.conv_layers.{i}.0.weight"], stride=s)
        if i == 0:
            x = F.group_norm(x, x.shape[1], sd["feature_extractor.conv_layers.0.2.weight"], sd["feature_extractor.conv_layers.0.2.bias"])
        x = F.gelu(x)
    x = F.layer_norm(x.transpose(1, 2), (x.shape[1],), sd["layer_norm.weight"], sd["layer_norm.bias"])
    x = F.linear(x, sd["post_extract_proj.weight"], sd["post_extract_proj.bias"])
    w = torch._weight_norm(sd["encoder.pos_conv.0.weight_v"], sd["encoder.pos_conv.0.weight_g"], 2)
    pc = F.conv1d(x.transpose(1, 2), w, sd["encoder.pos_conv.0.bias"], padding=POS_K // 2, groups=POS_G)[:, :, :-1]
    x = F.layer_norm(x + F.gelu(pc).transpose(1, 2), (D,), sd["encoder.layer_norm.weight"], sd["encoder.layer_norm.bias"])
    x = x.transpose(0, 1)  # [T, B, D] for torch's attention
    for i in range(layer):
        p = f"encoder.layers.{i}."
        in_w = torch.cat([sd[f"{p}self_attn.{n}_proj.weight"] for n in "qkv"])
        in_b = torch.cat([sd[f"{p}self_attn.{n}_proj.bias"] for n in "qkv"])
        y, _ = F.multi_head_attention_forward(x, x, x, D, HEADS, in_w, in_b, None, None, False, 0.0,
                                              sd[f"{p}self_attn.out_proj.weight"], sd[f"{p}self_attn.out_proj.bias"],
                                              training=False, need_weights=False)
        x = F.layer_norm(x + y, (D,), sd[f"{p}self_attn_layer_norm.weight"], sd[f"{p}self_attn_layer_norm.bias"])
        h = F.linear(F.gelu(F.linear(x, sd[f"{p}fc1.weight"], sd[f"{p}fc1.bias"])), sd[f"{p}fc2.weight"], sd[f"{p}fc2.bias"])
        x = F.layer_norm(x + h, (D,), sd[f"{p}final_layer_norm.weight"], sd[f"{p}final_layer_norm.bias"])
    x = x.transpose(0, 1)
    if proj:
        x = F.linear(x, sd["final_proj.weight"], sd["final_proj.bias"])
    return x[0]


class _Payload:
    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def main(out):
    os.makedirs(out, exist_ok=True)
    # a config object whose class lives in a module that cannot be imported when loading
    names = ("fairseq", "fairseq.models", "fairseq.models.hubert", "fairseq.models.hubert.hubert")
    for name in names:
        sys.modules.setdefault(name, types.ModuleType(name))
    Cfg = type("HubertConfig", (), {"__module__": "fairseq.models.hubert.hubert"})
    sys.modules["fairseq.models.hubert.hubert"].HubertConfig = Cfg
    model_cfg = Cfg()
    model_cfg.encoder_attention_heads = HEADS
    sd = random_state_dict()
    torch.save({"model": sd, "cfg": {"model": model_cfg, "task": {"normalize": False}}}, os.path.join(out, "hubert_random.pt"))
    g = torch.Generator().manual_seed(3)
    t = torch.arange(24000) / 16000
    audio = 0.3 * torch.sin(2 * torch.pi * 180 * t) * torch.sin(torch.pi * t) + 0.02 * torch.randn(24000, generator=g)
    audio.numpy().astype("<f4").tofile(os.path.join(out, "audio.f32"))
    refs = {}
    with torch.no_grad():
        for layer, proj in ((LAYERS, False), (2, True)):
            y = reference(sd, audio, layer, proj)
            name = f"ref-l{layer}{'-proj' if proj else ''}.f32"
            y.numpy().astype("<f4").tofile(os.path.join(out, name))
            refs[name] = {"layer": layer, "proj": proj, "frames": y.shape[0], "dim": y.shape[1]}
    with open(os.path.join(out, "ref.json"), "w") as f:
        json.dump(refs, f)
    # a hostile variant: the same file with a payload in its config; the converter must refuse it unrun
    marker = os.path.join(out, "payload-ran")
    torch.save({"model": sd, "cfg": {"model": model_cfg, "task": _Payload(os.system, f"touch {marker}")}}, os.path.join(out, "hubert_hostile.pt"))
    # run the converter's CLI entry point in this process (one torch start-up for the whole test)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import convert_hubert

    for name in names:  # as on a machine without fairseq: the converter must cope
        del sys.modules[name]
    for name, ref in refs.items():
        args = ["convert_hubert.py", os.path.join(out, "hubert_random.pt"), os.path.join(out, name + ".onnx"), "--layer", str(ref["layer"])]
        if ref["proj"]:
            args.append("--proj")
        assert convert_hubert.main(args) == 0
    try:
        convert_hubert.main(["convert_hubert.py", os.path.join(out, "hubert_hostile.pt"), os.path.join(out, "hostile.onnx")])
        raise AssertionError("a checkpoint naming os.system was converted")
    except Exception as e:  # noqa: BLE001 - the refusal names the global
        assert "posix.system" in str(e) and not os.path.exists(marker), e


if __name__ == "__main__":
    main(sys.argv[1])
