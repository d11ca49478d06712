"""Seconds per training step on synthetic data of a real configuration (issue 6's bench/train-step)."""

from __future__ import annotations

import time

import numpy as np
import torch

from .data import collate
from .hparams import validate_hparams
from .mel import spectrogram
from .models import count_params
from .protocol import emit
from .step import StepRunner, build_models, build_optimizers, resolve_precision
from .templates import upstream_config
from .train import pick_device, set_threads


def synthetic_batch(hp: dict, batch_size: int, seconds: float, feature_dim: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    d = hp["data"]
    sr, hop = d["sampling_rate"], d["hop_length"]
    items = []
    for _ in range(batch_size):
        n = int(seconds * sr) // hop * hop
        t = np.arange(n) / sr
        f0 = float(rng.uniform(100, 300))
        audio = torch.from_numpy((0.3 * np.sin(2 * np.pi * f0 * t) + 0.01 * rng.standard_normal(n)).astype(np.float32))
        spec = spectrogram(audio.unsqueeze(0), d["filter_length"], hop, d["win_length"]).squeeze(0)
        frames = spec.size(1)
        phone = torch.from_numpy(rng.standard_normal((frames, feature_dim)).astype(np.float32))
        pitch = torch.full((frames,), 100, dtype=torch.long)
        pitchf = torch.full((frames,), f0, dtype=torch.float32)
        items.append((phone, pitch, pitchf, spec, audio.unsqueeze(0), 0))
    return collate(items, True)


def run_bench(args) -> int:
    hp = upstream_config(args.sample_rate, args.version)
    validate_hparams(hp)
    device = pick_device(args.device)
    set_threads(args.threads, device)
    torch.manual_seed(1234)
    net_g, net_d = build_models(hp, args.version, True, device)
    optim_g, optim_d = build_optimizers(hp, net_g, net_d)
    precision = resolve_precision(args.precision, hp, device)
    runner = StepRunner(hp, net_g, net_d, optim_g, optim_d, device, precision, True)
    batch = synthetic_batch(hp, args.batch_size, args.seconds, 768 if args.version == "v2" else 256)
    emit("start", device=str(device), precision=precision, params={"g": count_params(net_g), "d": count_params(net_d)},
         sample_rate=args.sample_rate, version=args.version, batch_size=args.batch_size, seconds=args.seconds,
         threads=torch.get_num_threads(), torch=torch.__version__)
    times = []
    for i in range(args.warmup + args.steps):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        losses = runner(batch)
        if device.type == "cuda":
            torch.cuda.synchronize()
        dt = time.perf_counter() - t0
        if i >= args.warmup:
            times.append(dt)
        emit("progress", step=i + 1, seconds=dt, warmup=i < args.warmup, mel=losses["mel"])
    validation = {}
    if args.validate_clips > 0:
        # one checkpoint's held-out validation (issue 15) on clips of the same length, timed after one warm-up clip
        from .validation import Validator

        d = hp["data"]
        clips = []
        for k in range(args.validate_clips + 1):
            one = synthetic_batch(hp, 1, args.seconds, 768 if args.version == "v2" else 256, seed=100 + k)
            phone, _pl, pitch, pitchf, spec, _sl, wave, _wl, _sid = one
            clips.append((phone[0], pitch[0], pitchf[0], spec[0], wave[0], 0))
        Validator([], hp, True, device, clips=clips[:1]).run(net_g)
        v = Validator([], hp, True, device, clips=clips[1:])
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        res = v.run(net_g)
        if device.type == "cuda":
            torch.cuda.synchronize()
        validation = {"validation_s": time.perf_counter() - t0, "validation_clips": res["clips"]}
    emit("done", **validation, s_per_step=float(np.mean(times)), s_per_step_min=float(np.min(times)), steps=len(times),
         device=str(device), batch_size=args.batch_size, sample_rate=args.sample_rate)
    return 0
