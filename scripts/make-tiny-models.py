#!/usr/bin/env python3
"""Make small, deterministic ONNX models with the real models' signatures, for tests and benchmarks.

    /usr/bin/python3 scripts/make-tiny-models.py OUT_DIR

Writes into OUT_DIR:
  content-768.onnx  ContentVec/HuBERT v2 stand-in: 16 kHz audio float32 [1, 1, N] -> [1, T, 768],
                    T = floor((N - 400) / 320) + 1 (the real conv front end: kernels 10,3,3,3,3,2,2,
                    strides 5,2,2,2,2,2,2, i.e. a 400-sample receptive field and a 320-sample hop)
  content-256.onnx  the v1 stand-in, [1, 1, N] -> [1, T, 256]
  rmvpe.onnx        RMVPE stand-in: log-mel float32 [1, 128, T] -> salience [1, T, 360] in (0, 1);
                    T must be a multiple of 32 (like the real U-Net; enforced by a reshape into 32-frame blocks)
  manifest.json     the files, their signatures and sha256

The models are random but fixed (seeded), and local in time: each output frame depends on a bounded
neighbourhood of input frames (content: +-1 frame after the conv front end; rmvpe: +-2 frames, plus the frame's
position inside its 32-frame block). That is what lets tests check that chunked processing equals whole-file
processing exactly; the real models have global attention / a GRU, where it is only approximately equal.
Tensor names are deliberately unlike the real ones: callers must feed inputs by position.
The rmvpe stand-in gives low salience (< 0.03) on silent frames (log-mel near ln(1e-5)), so unvoiced decoding is
exercised; its pitch values on voiced frames are meaningless.
"""
import hashlib
import json
import os
import sys

import torch
from torch import nn

OPSET = 17


class TinyContent(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        spec = [(1, 8, 10, 5)] + [(8, 8, 3, 2)] * 4 + [(8, 8, 2, 2)] * 2
        self.convs = nn.ModuleList(nn.Conv1d(i, o, k, s, bias=False) for i, o, k, s in spec)
        self.context = nn.Conv1d(8, 16, 3, padding=1)
        self.proj = nn.Linear(16, dim)
        # variance-preserving weights, so the features follow the audio instead of fading to a constant
        for conv in list(self.convs) + [self.context]:
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")

    def forward(self, audio):  # [1, 1, N]
        x = audio * 10.0
        for conv in self.convs:
            x = nn.functional.gelu(conv(x))
        x = nn.functional.gelu(self.context(x))  # [1, 16, T]
        return self.proj(x.transpose(1, 2))  # [1, T, dim]


class TinyRmvpe(nn.Module):
    def __init__(self):
        super().__init__()
        self.block_weight = nn.Parameter(1.0 + 0.05 * torch.randn(32))
        self.conv1 = nn.Conv1d(128, 32, 3, padding=1)
        self.conv2 = nn.Conv1d(32, 32, 3, padding=1)
        self.out = nn.Linear(32, 360)

    def forward(self, mel):  # [1, 128, T], T % 32 == 0
        t = mel.shape[2]
        blocks = mel.reshape(1, 128, -1, 32) * self.block_weight  # fails unless T is a multiple of 32
        x = blocks.reshape(1, 128, t)
        level = x.mean(dim=1, keepdim=True).transpose(1, 2)  # [1, T, 1] mean log-mel: about -11.5 in silence
        h = torch.relu(self.conv1(x))
        h = torch.relu(self.conv2(h))
        logits = 0.5 * self.out(h.transpose(1, 2)) + 1.5 * (level + 6.0)
        return torch.sigmoid(logits)  # [1, T, 360]


def export(model: nn.Module, example, path: str, in_name: str, out_name: str, in_axes, out_axes) -> None:
    model.eval()
    with torch.no_grad():
        torch.onnx.export(
            model,
            (example,),
            path,
            input_names=[in_name],
            output_names=[out_name],
            dynamic_axes={in_name: in_axes, out_name: out_axes},
            opset_version=OPSET,
            do_constant_folding=True,
        )


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main(argv):
    if len(argv) != 2:
        print("usage: make-tiny-models.py OUT_DIR", file=sys.stderr)
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1234)
    files = {}
    for dim in (768, 256):
        name = f"content-{dim}.onnx"
        export(TinyContent(dim), torch.randn(1, 1, 16000) * 0.1, os.path.join(out, name),
               "pcm_in", "units_out", {2: "samples"}, {1: "frames"})
        files[name] = {"input": [1, 1, "N"], "output": [1, "floor((N-400)/320)+1", dim], "hop": 320, "window": 400}
    export(TinyRmvpe(), torch.randn(1, 128, 64), os.path.join(out, "rmvpe.onnx"),
           "logmel_in", "salience_out", {2: "frames"}, {1: "frames"})
    files["rmvpe.onnx"] = {"input": [1, 128, "T (multiple of 32)"], "output": [1, "T", 360]}

    import onnx  # checked after writing, so a missing onnx package still names the problem clearly
    for name in files:
        onnx.checker.check_model(onnx.load(os.path.join(out, name)))
        files[name]["sha256"] = sha256(os.path.join(out, name))
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"opset": OPSET, "torch": torch.__version__, "files": files}, f, indent=2, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
