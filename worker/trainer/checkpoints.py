"""G_*.pth / D_*.pth in upstream's dict layout (§5.6), atomic writes, resume (§5.7) and pretrained loading."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from typing import Dict, List, Optional, Tuple

import torch
from torch import nn

from .commons import load_file, publish
from .errors import TrainerError

log = logging.getLogger("trainer.ckpt")

LATEST_ONLY_STEP = 2333333  # upstream's fixed name when only the latest checkpoint is kept


def atomic_save(obj, path: str) -> None:
    """torch.save into a temp file in the same directory, fsync, then rename over ``path``."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        publish(tmp, path)
        try:
            dfd = os.open(d, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def model_state(model: nn.Module) -> Dict[str, torch.Tensor]:
    m = model.module if hasattr(model, "module") else model
    return {k: v.detach().cpu() for k, v in m.state_dict().items()}


def scheduler_ready(optimizer_state: dict, initial_lr: float, lr: float) -> dict:
    """The optimizer state as upstream saves it, so a torch LR scheduler can resume it.

    Every param group carries ``initial_lr`` (``ExponentialLR(..., last_epoch=N)`` raises ``KeyError`` without it) and
    ``lr`` = the rate of the last finished epoch, from which the scheduler's first step gives the next epoch's rate.
    """
    groups = [dict(g, initial_lr=float(initial_lr), lr=float(lr)) for g in optimizer_state["param_groups"]]
    return {**optimizer_state, "param_groups": groups}


def epoch_lr(initial_lr: float, gamma: float, epoch: int) -> float:
    """Learning rate of epoch ``epoch`` (1-based): ExponentialLR stepped once after every epoch, as upstream."""
    return float(initial_lr) * float(gamma) ** max(int(epoch) - 1, 0)


def save_checkpoint(path: str, model: nn.Module, optimizer: torch.optim.Optimizer, initial_lr: float, epoch: int,
                    global_step: int, lr_decay: float) -> None:
    """Upstream layout: model, iteration (= epoch), optimizer, learning_rate (= initial lr).

    The optimizer's param groups carry ``initial_lr`` and the last finished epoch's ``lr`` (``scheduler_ready``), so
    upstream's ``train.py`` resumes them. ``global_step`` is an extra key that upstream ignores.
    """
    atomic_save(
        {
            "model": model_state(model),
            "iteration": int(epoch),
            "optimizer": scheduler_ready(optimizer.state_dict(), initial_lr, epoch_lr(initial_lr, lr_decay, epoch)),
            "learning_rate": float(initial_lr),
            "global_step": int(global_step),
        },
        path,
    )


def _digits(path: str) -> int:
    ds = re.sub(r"\D", "", os.path.basename(path))
    return int(ds) if ds else -1


def list_checkpoints(exp_dir: str, prefix: str) -> List[str]:
    """``{prefix}_*.pth`` in exp_dir, newest first (by the number in the name, as upstream; 2333333 sorts first)."""
    if not os.path.isdir(exp_dir):
        return []
    names = [n for n in os.listdir(exp_dir) if re.fullmatch(prefix + r"_\d+\.pth", n)]
    return sorted((os.path.join(exp_dir, n) for n in names), key=_digits, reverse=True)


def remove_stale_temps(exp_dir: str) -> List[str]:
    """Temp files left by a process killed mid-write (``.G_12.pth.<random>.tmp``) are never valid; delete them."""
    removed = []
    if not os.path.isdir(exp_dir):
        return removed
    for n in os.listdir(exp_dir):
        if re.fullmatch(r"\.[GD]_\d+\.pth\..+\.tmp", n):
            try:
                os.unlink(os.path.join(exp_dir, n))
                removed.append(n)
            except OSError:
                pass
    return removed


def prune_checkpoints(exp_dir: str, keep: int) -> List[str]:
    """Delete all but the newest ``keep`` G/D pairs (and unpaired leftovers older than them)."""
    gs = {_digits(p): p for p in list_checkpoints(exp_dir, "G")}
    ds = {_digits(p): p for p in list_checkpoints(exp_dir, "D")}
    pairs = sorted(set(gs) & set(ds), reverse=True)
    if len(pairs) <= keep:
        return []
    cutoff = pairs[keep - 1]
    removed = []
    for n, p in list(gs.items()) + list(ds.items()):
        if n < cutoff:
            try:
                os.unlink(p)
                removed.append(p)
            except OSError:
                pass
    return removed


def _load_ckpt(path: str) -> dict:
    ck = load_file(path)
    if not isinstance(ck, dict) or not isinstance(ck.get("model"), dict) or "iteration" not in ck:
        raise ValueError("not a training checkpoint (no 'model'/'iteration')")
    return ck


def find_resume_pair(exp_dir: str, warn=None) -> Optional[Tuple[str, dict, str, dict]]:
    """Newest G_n/D_n pair that both load; corrupt ones are skipped with a warning."""
    gs = {_digits(p): p for p in list_checkpoints(exp_dir, "G")}
    ds = {_digits(p): p for p in list_checkpoints(exp_dir, "D")}
    for n in sorted(set(gs) & set(ds), reverse=True):
        try:
            g = _load_ckpt(gs[n])
            d = _load_ckpt(ds[n])
        except Exception as e:  # noqa: BLE001 - any unreadable file is skipped
            msg = f"skipping unreadable checkpoint pair G_{n}/D_{n}: {type(e).__name__}: {e}"
            log.warning(msg)
            if warn:
                warn(msg)
            continue
        return gs[n], g, ds[n], d
    return None


def load_partial(model: nn.Module, state: Dict[str, torch.Tensor], what: str, warn=None) -> int:
    """Key-by-key load (resume): keys missing from ``state`` or with another shape keep their current values.

    Returns the number of tensors that could not be loaded (0 = exact fit).
    """
    own = model.state_dict()
    usable = {}
    problems = []
    for k, v in own.items():
        if k not in state:
            problems.append(f"{k} missing")
        elif tuple(state[k].shape) != tuple(v.shape):
            problems.append(f"{k} shape {tuple(state[k].shape)} != {tuple(v.shape)}")
        else:
            usable[k] = state[k]
    model.load_state_dict(usable, strict=False)
    if problems:
        msg = f"{what}: {len(problems)} tensors kept their fresh values ({'; '.join(problems[:3])}{' …' if len(problems) > 3 else ''})"
        log.warning(msg)
        if warn:
            warn(msg)
    return len(problems)


def load_pretrained(model: nn.Module, path: str, what: str) -> None:
    """Strict load of a pretrained G/D ``model`` entry; any key or shape mismatch is a clear error."""
    if not os.path.isfile(path):
        raise TrainerError(f"pretrained {what} not found: {path}")
    try:
        ck = load_file(path)
    except Exception as e:  # noqa: BLE001
        raise TrainerError(f"pretrained {what} {path} is not a readable PyTorch file ({type(e).__name__}: {e})") from e
    state = ck.get("model") if isinstance(ck, dict) and isinstance(ck.get("model"), dict) else ck
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise TrainerError(f"pretrained {what} {path} has no 'model' state_dict")
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    wrong = [f"{k} {tuple(state[k].shape)} vs model {tuple(v.shape)}" for k, v in own.items()
             if k in state and tuple(state[k].shape) != tuple(v.shape)]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing keys (e.g. {missing[0]})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected keys (e.g. {unexpected[0]})")
        if wrong:
            parts.append(f"{len(wrong)} shape mismatches (e.g. {wrong[0]})")
        raise TrainerError(
            f"pretrained {what} {path} does not fit this model ({', '.join(parts)}); "
            "check sample rate, version (v1/v2) and pitch setting"
        )
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()}, strict=True)
