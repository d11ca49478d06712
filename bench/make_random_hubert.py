"""A randomly initialised content model with HuBERT-base's real sizes (12 layers, 768 wide, 12 heads, 512-channel
conv front end), converted to ONNX by our own scripts/assets/convert_hubert.py, for timing only (bench/convert).

    python3 bench/make_random_hubert.py OUT_DIR    → OUT_DIR/hubert_base_random.onnx
"""
import os
import sys
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts", "assets"))
import hubert_fixture as fx  # noqa: E402  (its random_state_dict reads the module-level sizes at call time)
import convert_hubert  # noqa: E402

fx.CONV = [(512, 10, 5)] + [(512, 3, 2)] * 4 + [(512, 2, 2)] * 2
fx.D, fx.HEADS, fx.FFN, fx.LAYERS, fx.POS_K, fx.POS_G, fx.PROJ = 768, 12, 3072, 12, 128, 16, 256


def main(out: str) -> int:
    os.makedirs(out, exist_ok=True)
    mod = types.ModuleType("fairseq_missing_here")
    cfg_cls = type("HubertConfig", (), {"__module__": "fairseq_missing_here"})
    mod.HubertConfig = cfg_cls
    sys.modules["fairseq_missing_here"] = mod
    cfg = cfg_cls()
    cfg.encoder_attention_heads = fx.HEADS
    ckpt = os.path.join(out, "hubert_base_random.pt")
    torch.save({"model": fx.random_state_dict(), "cfg": {"model": cfg, "task": {"normalize": False}}}, ckpt)
    del sys.modules["fairseq_missing_here"]
    rc = convert_hubert.main(["convert_hubert.py", ckpt, os.path.join(out, "hubert_base_random.onnx"), "--layer", "12"])
    os.remove(ckpt)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
