"""``python3 -m trainer {train,export,index} …`` — see README.md for the protocol."""

from __future__ import annotations

import argparse
import logging
import warnings
import os
import sys
import traceback

from .errors import TrainerError
from .protocol import emit


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--version", choices=["v1", "v2"], default="v2", help="model version (feature dim 256/768)")
    p.add_argument("--f0", type=int, choices=[0, 1], default=1, help="1 = pitch-guided (NSF) model")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python3 -m trainer", description="Voice Studio RVC trainer")
    sub = ap.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train (or resume) an experiment, then write the small model, ONNX and index")
    t.add_argument("--exp-dir", required=True, help="experiment dir with filelist.txt, config.json, 0_gt_wavs/ …")
    t.add_argument("--config", help="config.json (default: <exp-dir>/config.json)")
    t.add_argument("--epochs", type=int, required=True, help="total epochs (training stops after this one)")
    t.add_argument("--batch-size", type=int, default=4)
    t.add_argument("--save-every", type=int, default=5, help="save G_/D_ checkpoints every N epochs")
    t.add_argument("--latest-only", action="store_true", help="keep one checkpoint pair (G_2333333.pth/D_2333333.pth)")
    t.add_argument("--keep", type=int, default=0, help="keep only the newest N checkpoint pairs (0 = all, as upstream)")
    t.add_argument("--save-every-weights", action="store_true",
                   help="also write a small model <name>_e<epoch>_s<step>.pth into --out at each checkpoint")
    t.add_argument("--pretrained-g", default="", help="pretrained generator (used only when not resuming)")
    t.add_argument("--pretrained-d", default="", help="pretrained discriminator (used only when not resuming)")
    t.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N")
    t.add_argument("--gpus", default="", help="GPU ids (0,1 or 0-1); more than one → one DDP process per GPU")
    t.add_argument("--cpu-processes", type=int, default=0, help="DDP over N CPU processes (gloo); for testing")
    t.add_argument("--precision", choices=["auto", "fp32", "fp16", "bf16"], default="auto",
                   help="auto = config's fp16_run on CUDA, fp32 on CPU")
    t.add_argument("--out", help="where the small model, ONNX and index go (default: <exp-dir>)")
    t.add_argument("--name", help="model name (default: the experiment dir's name)")
    t.add_argument("--sample-rate", choices=["32k", "40k", "48k"], help="optional check against the config")
    t.add_argument("--heldout", default="", help="held-out clips (filelist format, never trained on): validated at each checkpoint")
    t.add_argument("--probe", default="",
                   help="the clip rendered as each checkpoint's listening preview (one filelist line; default: the first held-out clip)")
    t.add_argument("--early-stop-patience", type=int, default=0,
                   help="stop when validation has not improved for N checkpoints (needs --heldout; 0 = off)")
    t.add_argument("--no-resume", action="store_true", help="ignore existing checkpoints")
    t.add_argument("--workers", type=int, default=None, help="DataLoader workers (default 0 on CPU, ≤4 on CUDA)")
    t.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's choice)")
    t.add_argument("--progress-interval", type=float, default=1.0, help="seconds between progress events")
    t.add_argument("--skip-onnx", action="store_true")
    t.add_argument("--skip-index", action="store_true")
    _add_common(t)

    e = sub.add_parser("export", help="G_ checkpoint or small model → small model and/or ONNX")
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="a G_*.pth training checkpoint (needs --config)")
    src.add_argument("--small-model", help="an existing small model {name}.pth (ONNX only)")
    e.add_argument("--config", help="config.json the checkpoint was trained with")
    e.add_argument("--out", required=True)
    e.add_argument("--name", required=True)
    e.add_argument("--info", default=None, help="small model 'info' text (default '<epoch>epoch')")
    e.add_argument("--no-onnx", action="store_true")
    _add_common(e)

    i = sub.add_parser("index", help="build the FAISS index from <exp-dir>/3_feature768 (or 256)")
    i.add_argument("--exp-dir", required=True)
    i.add_argument("--out", required=True)
    i.add_argument("--name", required=True)
    i.add_argument("--version", choices=["v1", "v2"], default="v2")
    b = sub.add_parser("bench", help="seconds per training step of a real config on synthetic data")
    b.add_argument("--sample-rate", choices=["32k", "40k", "48k"], default="40k")
    b.add_argument("--version", choices=["v1", "v2"], default="v2")
    b.add_argument("--batch-size", type=int, default=4)
    b.add_argument("--seconds", type=float, default=3.7, help="clip length (preprocessing cuts 3.7 s chunks)")
    b.add_argument("--steps", type=int, default=3)
    b.add_argument("--warmup", type=int, default=1)
    b.add_argument("--device", default="auto")
    b.add_argument("--precision", choices=["auto", "fp32", "fp16", "bf16"], default="auto")
    b.add_argument("--threads", type=int, default=0)
    b.add_argument("--validate-clips", type=int, default=0, help="also time one checkpoint's validation on N held-out clips")

    m = sub.add_parser("inspect", help="check that a file is an RVC small model (or a G/D checkpoint) and print what it is")
    what = m.add_mutually_exclusive_group(required=True)
    what.add_argument("--small-model")
    what.add_argument("--checkpoint", help="a G or D training checkpoint / pretrained weights file")

    c = sub.add_parser("write-config", help="write upstream's config.json template (only if the file is absent)")
    c.add_argument("--sample-rate", choices=["32k", "40k", "48k"], required=True)
    c.add_argument("--version", choices=["v1", "v2"], default="v2")
    c.add_argument("--fp32", action="store_true", help="fp16_run false (upstream's use_fp32_config)")
    c.add_argument("--out", required=True, help="path of config.json")
    c.add_argument("--overwrite", action="store_true")
    return ap


def _cmd_write_config(args) -> int:
    from .templates import template_name, upstream_config, write_config

    written = write_config(args.out, upstream_config(args.sample_rate, args.version, not args.fp32), args.overwrite)
    emit("done", path=os.path.abspath(args.out), written=written, template=template_name(args.sample_rate, args.version))
    return 0


def _cmd_export(args) -> int:
    from .checkpoints import model_state
    from .commons import load_file
    from .export import export_onnx, load_small_model, save_small_model
    from .hparams import load_hparams
    from .models import Synthesizer

    os.makedirs(args.out, exist_ok=True)
    if args.small_model:
        net, cpt = load_small_model(args.small_model)
        path = os.path.join(args.out, f"{args.name}.onnx")
        opset = export_onnx(net, path)
        emit("artifact", kind="onnx", path=path, opset=opset)
        emit("done", artifacts={"onnx": path})
        return 0
    if not args.config:
        raise TrainerError("--checkpoint needs --config (the config.json it was trained with)")
    hp = load_hparams(args.config)
    net = Synthesizer.from_hparams(hp, version=args.version, f0=bool(args.f0))
    try:
        ckpt = load_file(args.checkpoint)
    except Exception as ex:  # noqa: BLE001
        raise TrainerError(f"{args.checkpoint} is not a readable PyTorch file ({ex})") from ex
    state = ckpt.get("model") if isinstance(ckpt, dict) else None
    if not isinstance(state, dict):
        raise TrainerError(f"{args.checkpoint} has no 'model' state_dict")
    missing, unexpected = net.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    missing = [k for k in missing if "enc_q" not in k]
    if missing or unexpected:
        raise TrainerError(f"{args.checkpoint} does not fit the config: {len(missing)} missing, {len(unexpected)} unexpected keys")
    artifacts = {}
    small = os.path.join(args.out, f"{args.name}.pth")
    save_small_model(small, model_state(net), net.config_list, epoch=ckpt.get("iteration"), info=args.info,
                     sr=hp["data"]["sampling_rate"], f0=bool(args.f0), version=args.version)
    artifacts["small_model"] = small
    emit("artifact", kind="small_model", path=small)
    if not args.no_onnx:
        path = os.path.join(args.out, f"{args.name}.onnx")
        opset = export_onnx(net, path)
        artifacts["onnx"] = path
        emit("artifact", kind="onnx", path=path, opset=opset)
    emit("done", artifacts=artifacts)
    return 0


def _cmd_index(args) -> int:
    from .indexing import build_index

    info = build_index(os.path.abspath(args.exp_dir), os.path.abspath(args.out), args.name, args.version)
    emit("artifact", kind="index", path=info["path"], nlist=info["nlist"], ntotal=info["ntotal"])
    emit("done", artifacts={"index": info["path"]})
    return 0


def _inspect_checkpoint(path: str) -> int:
    """G/D weights (pretrained or a training checkpoint): readable by the restricted unpickler, a state dict of
    tensors; which of the two it is comes from its keys (the generator has ``dec.*``, the MPD ``discriminators.*``)."""
    import torch

    from .commons import load_file

    try:
        ck = load_file(path)
    except Exception as e:  # noqa: BLE001
        raise TrainerError(f"{path} is not a readable PyTorch file ({e})") from e
    state = ck.get("model") if isinstance(ck, dict) and isinstance(ck.get("model"), dict) else ck
    if not isinstance(state, dict) or not state or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise TrainerError(f"{path} holds no state dict of tensors ('model')")
    keys = list(state)
    role = "g" if any(k.startswith("dec.") for k in keys) else "d" if any(k.startswith("discriminators.") for k in keys) else None
    emit("checkpoint", role=role, tensors=len(keys), params=sum(int(v.numel()) for v in state.values()),
         iteration=ck.get("iteration") if isinstance(ck, dict) and isinstance(ck.get("iteration"), int) else None)
    return 0


def _cmd_inspect(args) -> int:
    """An RVC small model (rvc-formats §6): loads into our synthesizer with every generator key present."""
    from .export import load_small_model

    if args.checkpoint:
        return _inspect_checkpoint(args.checkpoint)

    try:
        net, cpt = load_small_model(args.small_model)
    except RuntimeError as ex:  # shape mismatches from load_state_dict
        raise TrainerError(f"{args.small_model} does not fit an RVC synthesizer: {str(ex).splitlines()[0]}") from ex
    missing = sorted(set(net.state_dict()) - set(cpt["weight"]))
    if missing:
        raise TrainerError(f"{args.small_model} lacks {len(missing)} generator weights (first: {missing[0]}); not a complete RVC model")
    sr = cpt.get("sr")
    sr_hz = {"32k": 32000, "40k": 40000, "48k": 48000}.get(sr, sr) if isinstance(sr, str) else sr
    emit("model", sr=int(sr_hz) if sr_hz else None, f0=bool(cpt.get("f0", 1)), version=cpt.get("version", "v1"),
         info=str(cpt.get("info", "")), params=sum(int(v.numel()) for v in cpt["weight"].values()))
    return 0


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s:%(name)s:%(message)s")
    # third-party chatter that would fill a job's log: faiss's loader reports which CPU build it loaded (INFO) and
    # its numpy check warns about distutils
    logging.getLogger("faiss").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"faiss(\.|$)|setuptools|distutils")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            from .train import run_train

            return run_train(args)
        if args.command == "export":
            return _cmd_export(args)
        if args.command == "index":
            return _cmd_index(args)
        if args.command == "bench":
            from .bench import run_bench

            return run_bench(args)
        if args.command == "write-config":
            return _cmd_write_config(args)
        if args.command == "inspect":
            return _cmd_inspect(args)
        raise TrainerError(f"unknown command {args.command}")
    except TrainerError as ex:
        msg = str(ex).replace("\n", " ")
        emit("error", message=msg)
        print(f"error: {msg}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        emit("error", message="interrupted")
        return 130
    except Exception as ex:  # noqa: BLE001 - last resort: one readable line plus the traceback on stderr
        traceback.print_exc()
        msg = f"{type(ex).__name__}: {ex}".replace("\n", " ")
        emit("error", message=msg)
        print(f"error: {msg}", file=sys.stderr)
        return 1
