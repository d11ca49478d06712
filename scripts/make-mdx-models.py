#!/usr/bin/env python3
"""Make MDX-Net-shaped ONNX stand-ins with the real models' input/output signature, for tests and the benchmark.

    /usr/bin/python3 scripts/make-mdx-models.py OUT_DIR [--n-fft 2048 --dim-f 512 --dim-t 32 --band LO HI]
    /usr/bin/python3 scripts/make-mdx-models.py OUT_DIR --full [--n-fft 7680 --dim-f 3072 --dim-t 256]

Like UVR's MDX-Net models, each takes one float32 input named "input" of shape [batch, 4, dim_f, dim_t] (channels:
left real, left imag, right real, right imag of the STFT; batch is symbolic) and gives one output of the same shape
(the spectrogram of the separated stem). Written into OUT_DIR:

  mdx-identity.onnx  output = input (the front end + inverse alone)
  mdx-band.onnx      output = input with frequency bins LO <= f < HI set to zero (default 60..80)
  manifest.json      the files, their shapes, the band and each file's sha256
  with --full:
  mdx-full.onnx      a random-weight network the size of a vocal MDX-Net (KUIELab's TFC-TDF U-Net layout:
                     5 down/up levels, 3 convs 3x3 per block, 32 more channels per level, a bottleneck-8
                     frequency MLP per block), for timing only: its output is meaningless

Identity and band use only onnx (python3-onnx); --full needs torch.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


def io(dim_f, dim_t):
    shape = ["batch", 4, dim_f, dim_t]
    return (
        helper.make_tensor_value_info("input", TensorProto.FLOAT, shape),
        helper.make_tensor_value_info("output", TensorProto.FLOAT, shape),
    )


def identity(dim_f, dim_t):
    i, o = io(dim_f, dim_t)
    g = helper.make_graph([helper.make_node("Identity", ["input"], ["output"])], "mdx_identity", [i], [o])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="voice-studio")


def band(dim_f, dim_t, lo, hi):
    i, o = io(dim_f, dim_t)
    mask = np.ones((1, 1, dim_f, 1), dtype=np.float32)
    mask[:, :, lo:hi, :] = 0
    g = helper.make_graph(
        [helper.make_node("Mul", ["input", "mask"], ["output"])],
        "mdx_band",
        [i],
        [o],
        initializer=[numpy_helper.from_array(mask, "mask")],
    )
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="voice-studio")


def full(path, dim_f, dim_t):
    import torch
    from torch import nn

    torch.manual_seed(0)

    def block(c, f, layers=3, bn=8):
        tfc = nn.Sequential(*[m for _ in range(layers) for m in (nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU())])
        tdf = nn.Sequential(nn.Linear(f, max(1, f // bn)), nn.BatchNorm2d(c), nn.ReLU(), nn.Linear(max(1, f // bn), f), nn.BatchNorm2d(c), nn.ReLU())
        return nn.ModuleList([tfc, tdf])

    class Net(nn.Module):
        # frequency is the last axis inside (the frequency MLPs act on it), as in KUIELab's ConvTDFNet
        def __init__(self, g=32, n=5):
            super().__init__()
            self.first = nn.Sequential(nn.Conv2d(4, g, 1), nn.BatchNorm2d(g), nn.ReLU())
            c, f = g, dim_f
            self.enc, self.down, self.up, self.dec = nn.ModuleList(), nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
            for _ in range(n):
                self.enc.append(block(c, f))
                self.down.append(nn.Sequential(nn.Conv2d(c, c + g, 2, 2), nn.BatchNorm2d(c + g), nn.ReLU()))
                c, f = c + g, f // 2
            self.mid = block(c, f)
            for _ in range(n):
                self.up.append(nn.Sequential(nn.ConvTranspose2d(c, c - g, 2, 2), nn.BatchNorm2d(c - g), nn.ReLU()))
                c, f = c - g, f * 2
                self.dec.append(block(c, f))
            self.last = nn.Conv2d(c, 4, 1)

        @staticmethod
        def run(b, x):
            x = b[0](x)
            return x + b[1](x)

        def forward(self, x):
            x = self.first(x).transpose(-1, -2)
            skips = []
            for b, d in zip(self.enc, self.down):
                x = self.run(b, x)
                skips.append(x)
                x = d(x)
            x = self.run(self.mid, x)
            for u, b in zip(self.up, self.dec):
                x = u(x) * skips.pop()
                x = self.run(b, x)
            return self.last(x.transpose(-1, -2))

    net = Net().eval()
    x = torch.zeros(1, 4, dim_f, dim_t)
    torch.onnx.export(net, x, path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=OPSET)
    return sum(p.numel() for p in net.parameters())


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n-fft", type=int, default=None)
    ap.add_argument("--dim-f", type=int, default=None)
    ap.add_argument("--dim-t", type=int, default=None)
    ap.add_argument("--band", type=int, nargs=2, default=[60, 80])
    ap.add_argument("--full", action="store_true")
    a = ap.parse_args()
    n_fft = a.n_fft or (7680 if a.full else 2048)
    dim_f = a.dim_f or (3072 if a.full else 512)
    dim_t = a.dim_t or (256 if a.full else 32)
    if dim_f > n_fft // 2 + 1 or dim_t & (dim_t - 1):
        sys.exit("dim_f must be <= n_fft/2+1 and dim_t a power of two")
    lo, hi = a.band
    os.makedirs(a.out, exist_ok=True)
    files = {}
    models = {"mdx-identity.onnx": identity(dim_f, dim_t), "mdx-band.onnx": band(dim_f, dim_t, lo, hi)}
    for name, m in models.items():
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(a.out, name))
    if a.full:
        params = full(os.path.join(a.out, "mdx-full.onnx"), dim_f, dim_t)
        files["mdx-full.onnx"] = {"parameters": int(params)}
    for name in list(models) + (["mdx-full.onnx"] if a.full else []):
        files.setdefault(name, {})["sha256"] = sha256(os.path.join(a.out, name))
    manifest = {"nFft": n_fft, "hop": 1024, "dimF": dim_f, "dimT": dim_t, "band": [lo, hi],
                "input": ["batch", 4, dim_f, dim_t], "files": files}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
