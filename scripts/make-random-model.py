"""A randomly initialised RVC v2 model for benchmarks and UI tests: {name}.pth (small model), {name}.onnx and an
IVF-Flat index over random 768-dim features, written with our trainer package exactly as training would.

usage: python3 scripts/make-random-model.py --out DIR --name NAME [--sample-rate 40k] [--tiny] [--index-rows N]
--tiny uses the trainer tests' tiny config (32k front end, a few channels); without it the model has upstream's
full v2 architecture for the rate (random weights: the output is noise, the timing is real).
"""

import argparse
import json
import os
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "worker"))
sys.path.insert(0, os.path.join(HERE, "..", "worker", "trainer", "tests"))

from trainer.export import export_onnx, save_small_model  # noqa: E402
from trainer.indexing import build_index  # noqa: E402
from trainer.models import Synthesizer  # noqa: E402
from trainer.templates import upstream_config  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--sample-rate", choices=["32k", "40k", "48k"], default="40k")
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--index-rows", type=int, default=3000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    if a.tiny:
        from conftest import tiny_config

        hp = tiny_config()
    else:
        hp = upstream_config(a.sample_rate, "v2", fp16_run=False)
    sr = hp["data"]["sampling_rate"]
    net = Synthesizer.from_hparams(hp, version="v2", f0=True).eval()
    os.makedirs(a.out, exist_ok=True)
    state = {k: v for k, v in net.state_dict().items()}
    save_small_model(os.path.join(a.out, f"{a.name}.pth"), state, net.config_list, epoch=0, sr=sr, f0=True, version="v2")
    export_onnx(net, os.path.join(a.out, f"{a.name}.onnx"))
    index = None
    if a.index_rows > 0:
        with tempfile.TemporaryDirectory() as exp:
            feats = os.path.join(exp, "3_feature768")
            os.makedirs(feats)
            rng = np.random.default_rng(a.seed)
            np.save(os.path.join(feats, "0_0.npy"), rng.standard_normal((a.index_rows, 768)).astype(np.float32))
            index = build_index(exp, a.out, a.name, "v2")["path"]
    print(json.dumps({"pth": f"{a.name}.pth", "onnx": f"{a.name}.onnx", "index": os.path.basename(index) if index else None, "sampleRate": sr}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
