"""The training loop (rvc-formats.md §5) with our JSON-lines protocol, atomic checkpoints and clean SIGTERM."""

from __future__ import annotations

import logging
import os
import random
import re
import signal
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, List

import numpy as np
import torch

from . import checkpoints as ck
from .data import BucketBatchSampler, Collate, TrainDataset, check_items, ignore_signals_in_worker, parse_filelist
from .errors import TrainerError
from .export import export_onnx, save_small_model
from .hparams import load_hparams, sr_name
from .indexing import build_index
from .models import count_params
from .protocol import emit, set_emit_enabled
from .validation import Probe, Validator, early_stop_due, preview_name, read_metrics, record_checkpoint
from .steplog import StepLog
from .step import StepRunner, build_models, build_optimizers, resolve_precision

log = logging.getLogger("trainer")


class StopRequest:
    """Signal handler that only records the request; the loop stops at the next step boundary."""

    def __init__(self):
        self.signal = None

    def __call__(self, signum, frame):
        if self.signal is None:
            log.warning("received %s: finishing the current step, saving a checkpoint and exiting",
                        signal.Signals(signum).name)
        self.signal = signal.Signals(signum).name

    @property
    def requested(self) -> bool:
        return self.signal is not None


def set_threads(threads: int, device: torch.device) -> None:
    """--threads N sets torch's CPU threads; 0 keeps torch's own choice (measured: forcing every core of a
    busy 2-core machine made steps slower, so we do not override it)."""
    if threads:
        torch.set_num_threads(threads)


def pick_device(arg: str) -> torch.device:
    arg = (arg or "auto").lower()
    if arg == "auto":
        return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    if arg.startswith("cuda"):
        if not torch.cuda.is_available():
            raise TrainerError(f"--device {arg}: CUDA is not available on this machine (use --device auto or cpu)")
        dev = torch.device(arg if ":" in arg else "cuda:0")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise TrainerError(f"--device {arg}: only {torch.cuda.device_count()} CUDA devices are visible")
        return dev
    if arg == "cpu":
        return torch.device("cpu")
    raise TrainerError(f"--device {arg!r}: expected auto, cpu, cuda or cuda:N")


def _is_oom(e: BaseException) -> bool:
    oom_cls = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_cls is not None and isinstance(e, oom_cls):
        return True
    return isinstance(e, RuntimeError) and "out of memory" in str(e).lower()


def _warn(msg: str) -> None:
    emit("warning", message=msg)


@dataclass
class Job:
    """Everything validated in the parent process (picklable, so DDP ranks get the same view)."""

    args: Any
    hp: dict
    exp_dir: str
    out_dir: str
    name: str
    version: str
    f0: bool
    save_every: int
    items: list
    heldout: list
    device: str  # "cpu", "cuda:N"
    probe: object = None  # the preview clip (--probe): an Item, or None for the first held-out clip
    world_size: int = 1
    port: int = 0
    t_start: float = field(default_factory=time.time)


def _parse_gpus(spec: str) -> List[int]:
    try:
        return [int(x) for x in re.split(r"[-,\s]+", spec.strip()) if x != ""]
    except ValueError:
        raise TrainerError(f"--gpus {spec!r}: expected GPU ids like 0,1 or 0-1") from None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(args) -> Job:
    """Validate arguments, config and data up front so failures are one line before any model is built."""
    exp_dir = os.path.abspath(args.exp_dir)
    if not os.path.isdir(exp_dir):
        raise TrainerError(f"experiment directory not found: {exp_dir}")
    hp = load_hparams(args.config or os.path.join(exp_dir, "config.json"))
    version = args.version
    f0 = bool(args.f0)
    if args.sample_rate and args.sample_rate != sr_name(hp):
        raise TrainerError(f"--sample-rate {args.sample_rate} does not match the config ({sr_name(hp)})")
    if args.epochs < 1:
        raise TrainerError("--epochs must be at least 1")
    if args.batch_size < 1:
        raise TrainerError("--batch-size must be at least 1")
    world, port = 1, 0
    gpus = _parse_gpus(args.gpus) if getattr(args, "gpus", None) else []
    cpu_procs = int(getattr(args, "cpu_processes", 0) or 0)
    if gpus and cpu_procs:
        raise TrainerError("--gpus and --cpu-processes exclude each other")
    if len(gpus) > 1:
        # one process per GPU, as upstream; ranks see only these GPUs
        os.environ["CUDA_VISIBLE_DEVICES"] = ",".join(str(g) for g in gpus)
        if not torch.cuda.is_available() or torch.cuda.device_count() < len(gpus):
            raise TrainerError(f"--gpus {args.gpus}: only {torch.cuda.device_count()} CUDA devices are visible")
        device, world = "cuda", len(gpus)
    elif len(gpus) == 1:
        device = str(pick_device(f"cuda:{gpus[0]}"))
    elif cpu_procs > 1:
        device, world = "cpu", cpu_procs
    else:
        device = str(pick_device(args.device))
    if world > 1:
        port = _free_port()
    items = parse_filelist(os.path.join(exp_dir, "filelist.txt"), f0)
    check_items(items, hp["data"]["sampling_rate"], 768 if version == "v2" else 256, hp["model"]["spk_embed_dim"])
    heldout = []
    if getattr(args, "heldout", None):
        heldout = parse_filelist(args.heldout, f0)
        check_items(heldout, hp["data"]["sampling_rate"], 768 if version == "v2" else 256, hp["model"]["spk_embed_dim"])
        train_wavs = {os.path.realpath(it.wav) for it in items}
        leaked = [it.wav for it in heldout if os.path.realpath(it.wav) in train_wavs]
        if leaked:
            raise TrainerError(f"held-out clip {leaked[0]} is also in filelist.txt: a validation clip must not train")
    probe = None
    if getattr(args, "probe", None):
        probes = parse_filelist(args.probe, f0)
        if len(probes) != 1:
            raise TrainerError(f"--probe {args.probe}: expected one clip (a filelist line), found {len(probes)}")
        check_items(probes, hp["data"]["sampling_rate"], 768 if version == "v2" else 256, hp["model"]["spk_embed_dim"])
        probe = probes[0]
    hop = hp["data"]["hop_length"]
    if len(BucketBatchSampler([os.path.getsize(it.wav) // (3 * hop) for it in items], 1)) == 0:
        raise TrainerError(
            f"no usable clips: all {len(items)} clips in filelist.txt are outside the 0.76–6.8 s length range "
            "the bucketing accepts"
        )
    return Job(args=args, hp=hp, exp_dir=exp_dir, out_dir=os.path.abspath(args.out or exp_dir),
               name=args.name or os.path.basename(exp_dir.rstrip("/")), version=version, f0=f0,
               save_every=max(1, int(args.save_every)), items=items, heldout=heldout, device=device, world_size=world, port=port,
               probe=probe)


def run_train(args) -> int:
    job = prepare(args)
    if job.world_size > 1:
        return _run_ddp(job)
    stop = StopRequest()
    old_term = signal.signal(signal.SIGTERM, stop)
    old_int = signal.signal(signal.SIGINT, stop)
    try:
        return _run_rank(job, 0, stop)
    finally:
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)


def _run_ddp(job: Job) -> int:
    """One process per rank (spawn); signals to this process are forwarded to every rank."""
    import torch.multiprocessing as mp

    ctx = mp.start_processes(_ddp_entry, args=(job,), nprocs=job.world_size, join=False, start_method="spawn")

    def forward(signum, frame):
        for p in ctx.processes:
            if p.is_alive():
                try:
                    os.kill(p.pid, signum)
                except OSError:
                    pass

    old_term = signal.signal(signal.SIGTERM, forward)
    old_int = signal.signal(signal.SIGINT, forward)
    try:
        while not ctx.join(timeout=0.5):
            pass
        return 0
    except Exception as ex:  # noqa: BLE001 - a rank failed; it has printed its own error line
        log.error("a training process failed: %s", str(ex).strip().splitlines()[0] if str(ex).strip() else ex)
        for p in ctx.processes:
            if p.is_alive():
                p.terminate()
        return 1
    finally:
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)


def _ddp_entry(rank: int, job: Job) -> None:
    import sys
    import traceback

    import torch.distributed as dist

    stop = StopRequest()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logging.basicConfig(level=logging.INFO if rank == 0 else logging.WARNING, stream=sys.stderr,
                        format=f"%(levelname)s:%(name)s[rank{rank}]:%(message)s")
    set_emit_enabled(rank == 0)
    backend = "nccl" if job.device.startswith("cuda") else "gloo"
    dist.init_process_group(backend, init_method=f"tcp://127.0.0.1:{job.port}", world_size=job.world_size, rank=rank)
    rc = 1
    try:
        rc = _run_rank(job, rank, stop)
    except TrainerError as ex:
        msg = str(ex).replace("\n", " ")
        emit("error", message=msg, force=True)
        print(f"error: {msg}", file=sys.stderr)
    except Exception as ex:  # noqa: BLE001
        traceback.print_exc()
        msg = f"{type(ex).__name__}: {ex}".replace("\n", " ")
        emit("error", message=msg, force=True)
    finally:
        try:
            dist.destroy_process_group()
        except Exception:  # noqa: BLE001
            pass
    sys.exit(rc)


def _run_rank(job: Job, rank: int, stop: StopRequest) -> int:
    fh = None
    if rank == 0:
        try:
            fh = logging.FileHandler(os.path.join(job.exp_dir, "train.log"), encoding="utf-8")
            fh.setFormatter(logging.Formatter("%(asctime)s\t%(name)s\t%(levelname)s\t%(message)s"))
            logging.getLogger().addHandler(fh)
        except OSError:
            fh = None
    try:
        return _train_body(job, rank, stop)
    finally:
        if fh is not None:
            logging.getLogger().removeHandler(fh)
            fh.close()


def _train_body(job: Job, rank: int, stop: StopRequest) -> int:
    args, hp, exp_dir, out_dir, name = job.args, job.hp, job.exp_dir, job.out_dir, job.name
    version, f0, save_every, items, world = job.version, job.f0, job.save_every, job.items, job.world_size
    t_start = job.t_start
    if job.device == "cuda" and world > 1:
        device = torch.device(f"cuda:{rank}")
    else:
        device = torch.device(job.device)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    set_threads(args.threads, device)
    distributed = world > 1
    if distributed:
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel as DDP

    d_hp, t_hp = hp["data"], hp["train"]
    seed = int(t_hp.get("seed", 1234))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    # ---------------------------------------------------------------- data
    dataset = TrainDataset(items, hp, f0)
    sampler = BucketBatchSampler(dataset.lengths, args.batch_size, num_replicas=world, rank=rank)
    if len(sampler) == 0:
        raise TrainerError(
            f"no usable clips: all {len(items)} clips in filelist.txt are outside the 0.76–6.8 s length range "
            "the bucketing accepts"
        )
    if sampler.dropped:
        log.warning("%d of %d clips are outside the bucket length range and are skipped", sampler.dropped, len(items))
    workers = args.workers if args.workers is not None else (min(4, max(1, (os.cpu_count() or 2) // (2 * world))) if device.type == "cuda" else 0)
    loader = torch.utils.data.DataLoader(
        dataset, batch_sampler=sampler, collate_fn=Collate(f0), num_workers=workers,
        pin_memory=device.type == "cuda", persistent_workers=workers > 0,
        worker_init_fn=ignore_signals_in_worker if workers > 0 else None,
    )
    steps_per_epoch = len(sampler)

    # ---------------------------------------------------------------- models
    net_g, net_d = build_models(hp, version, f0, device)
    optim_g, optim_d = build_optimizers(hp, net_g, net_d)
    lr0 = float(t_hp["learning_rate"])

    start_epoch, global_step, resumed_from = 1, 0, None
    if rank == 0:
        for n in ck.remove_stale_temps(exp_dir):
            log.info("removed %s left by an interrupted write", n)
    pair = None if args.no_resume else ck.find_resume_pair(exp_dir, warn=_warn)
    if pair:
        g_path, g_ck, d_path, d_ck = pair
        bad_g = ck.load_partial(net_g, g_ck["model"], f"resume {os.path.basename(g_path)}", warn=_warn)
        bad_d = ck.load_partial(net_d, d_ck["model"], f"resume {os.path.basename(d_path)}", warn=_warn)
        for opt, c, what, bad in ((optim_g, g_ck, g_path, bad_g), (optim_d, d_ck, d_path, bad_d)):
            if bad:  # Adam moments of other shapes would crash the first step
                _warn(f"model in {os.path.basename(what)} differs from this config; its optimizer state is not used")
                continue
            try:
                opt.load_state_dict(c["optimizer"])
            except Exception as ex:  # noqa: BLE001
                _warn(f"optimizer state in {os.path.basename(what)} does not fit ({ex}); starting it fresh")
        done_epochs = int(g_ck["iteration"])
        start_epoch = done_epochs + 1
        global_step = int(g_ck.get("global_step", done_epochs * steps_per_epoch))
        resumed_from = g_path
        log.info("resumed from %s (epoch %d done, step %d)", g_path, done_epochs, global_step)
        del g_ck, d_ck, pair
    else:
        if args.pretrained_g:
            ck.load_pretrained(net_g, args.pretrained_g, "G")
            log.info("loaded pretrained G %s", args.pretrained_g)
        if args.pretrained_d:
            ck.load_pretrained(net_d, args.pretrained_d, "D")
            log.info("loaded pretrained D %s", args.pretrained_d)

    raw_g, raw_d = net_g, net_d
    if distributed:
        ids = [device.index] if device.type == "cuda" else None
        net_g = DDP(net_g, device_ids=ids)
        net_d = DDP(net_d, device_ids=ids)
        sync_device = device if device.type == "cuda" else torch.device("cpu")

    def should_stop() -> bool:
        if not distributed:
            return stop.requested
        flag = torch.tensor([1 if stop.requested else 0], device=sync_device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)  # every rank stops at the same step
        return bool(flag.item())

    validator = Validator(job.heldout, hp, f0, device) if rank == 0 and job.heldout else None
    if validator is not None:
        log.info("validating each checkpoint on %d held-out clips", len(validator))
    prober = Probe(job.probe, hp, f0, device) if rank == 0 and job.probe is not None else None
    if prober is not None:
        log.info("preview clip of each checkpoint: %s", prober.name)
    last_means: dict = {}
    # every rank knows the patience (rank 0 alone validates and decides; the others learn it through all_reduce)
    patience = int(getattr(args, "early_stop_patience", 0) or 0) if job.heldout else 0
    early: dict = {}

    precision = resolve_precision(args.precision, hp, device)
    runner = StepRunner(hp, net_g, net_d, optim_g, optim_d, device, precision, f0)
    gamma = float(t_hp["lr_decay"])

    emit("start", device=str(device), precision=precision, params={"g": count_params(raw_g), "d": count_params(raw_d)},
         world_size=world,
         epochs=args.epochs, start_epoch=start_epoch, steps_per_epoch=steps_per_epoch,
         total_steps=args.epochs * steps_per_epoch, step=global_step, items=len(items), batch_size=args.batch_size,
         resumed_from=resumed_from, torch=torch.__version__, heldout=len(job.heldout))

    def save(epoch_done: int, reason: str):
        if rank != 0:
            return
        step_name = ck.LATEST_ONLY_STEP if args.latest_only else global_step
        g_path = os.path.join(exp_dir, f"G_{step_name}.pth")
        d_path = os.path.join(exp_dir, f"D_{step_name}.pth")
        # D first, G last: a pair is only complete once both exist
        ck.save_checkpoint(d_path, net_d, optim_d, lr0, epoch_done, global_step, gamma)
        ck.save_checkpoint(g_path, net_g, optim_g, lr0, epoch_done, global_step, gamma)
        log.info("saved model and optimizer state at epoch %d to %s", epoch_done, g_path)
        emit("checkpoint", epoch=epoch_done, step=global_step, g=g_path, d=d_path, reason=reason)
        if reason != "signal":  # a stop request is answered at once; a partial epoch's weights are not scored
            preview = preview_name(epoch_done)
            preview_path = os.path.join(exp_dir, preview)
            validation = validator.run(raw_g, None if prober is not None else preview_path) if validator is not None else None
            if prober is not None:
                prober.render(raw_g, preview_path)
            if validation is not None:
                validation["preview"] = preview
                emit("validation", epoch=epoch_done, step=global_step, **validation)
            record_checkpoint(exp_dir, {"epoch": epoch_done, "step": global_step, "train": dict(last_means),
                                        "validation": validation, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
            if patience and validation is not None:
                history = [(int(e["epoch"]), (e.get("validation") or {}).get("mel")) for e in read_metrics(exp_dir)]
                due = early_stop_due(history, patience)
                if due:
                    early.update(due, epoch=epoch_done, patience=patience)
                    log.info("early stop at epoch %d: %s", epoch_done, due["reason"])
                    emit("early_stop", epoch=epoch_done, step=global_step, patience=patience, **due)
        if args.keep and not args.latest_only:
            for old in ck.prune_checkpoints(exp_dir, args.keep):
                log.info("removed old checkpoint %s", old)
        if args.save_every_weights and reason != "signal":
            # upstream's -sw 1: a small model per checkpoint, <name>_e<epoch>_s<step>.pth
            os.makedirs(out_dir, exist_ok=True)
            w_path = os.path.join(out_dir, f"{name}_e{epoch_done}_s{global_step}.pth")
            save_small_model(w_path, ck.model_state(raw_g), raw_g.config_list, epoch=epoch_done,
                             sr=d_hp["sampling_rate"], f0=f0, version=version)
            emit("artifact", kind="weights", path=w_path, epoch=epoch_done)

    # every step's losses (rank 0): records after the step resumed at are dropped first (steplog.py)
    steps_log = StepLog.open(exp_dir, global_step) if rank == 0 else None

    # ---------------------------------------------------------------- loop
    net_g.train()
    net_d.train()
    run_steps = 0
    t_loop = time.time()
    last_progress = 0.0
    completed_epoch = start_epoch - 1  # last fully trained epoch
    dirty = False  # steps taken since the last checkpoint
    try:
        stopping = False
        for epoch in range(start_epoch, args.epochs + 1):
            if should_stop():
                stopping = True
                break
            lr = ck.epoch_lr(lr0, gamma, epoch)  # ExponentialLR stepped once per epoch
            for opt in (optim_g, optim_d):
                for group in opt.param_groups:
                    group["lr"] = lr
            sampler.set_epoch(epoch)
            sums = defaultdict(float)
            n_batches = 0
            t_epoch = time.time()
            for batch_idx, batch in enumerate(loader):
                if should_stop():
                    stopping = True
                    break
                losses = runner(batch)
                global_step += 1
                run_steps += 1
                dirty = True
                n_batches += 1
                for k, v in losses.items():
                    sums[k] += v
                if steps_log is not None:
                    steps_log.append(global_step, epoch, losses)

                now = time.time()
                last_in_epoch = batch_idx + 1 == steps_per_epoch
                if run_steps == 1 or last_in_epoch or now - last_progress >= args.progress_interval:
                    last_progress = now
                    if steps_log is not None:
                        steps_log.flush()  # the web reads the file while training runs
                    rate = run_steps / max(1e-9, now - t_loop)
                    remaining = (args.epochs - epoch) * steps_per_epoch + (steps_per_epoch - batch_idx - 1)
                    emit("progress", epoch=epoch, epochs=args.epochs, step=global_step,
                         total_steps=args.epochs * steps_per_epoch, epoch_step=batch_idx + 1,
                         epoch_steps=steps_per_epoch, steps_per_s=rate, eta_s=remaining / rate if rate > 0 else None)

            if stopping:
                break
            completed_epoch = epoch
            if steps_log is not None:
                steps_log.flush()
            means = {k: v / max(1, n_batches) for k, v in sums.items()}
            last_means = means
            emit("epoch", epoch=epoch, epochs=args.epochs, step=global_step, losses=means, lr=lr,
                 seconds=time.time() - t_epoch)
            # the "epoch" event above is what the job logs; this line only for a developer running with DEBUG
            log.debug("epoch %d/%d done in %.1fs: %s", epoch, args.epochs, time.time() - t_epoch,
                     ", ".join(f"{k}={v:.3f}" for k, v in means.items()))
            if epoch % save_every == 0 or epoch == args.epochs:
                save(epoch, "schedule" if epoch % save_every == 0 else "final")
                dirty = False
            if patience:
                halt = bool(early)
                if distributed:  # rank 0 decided; every rank leaves the loop after the same epoch
                    flag = torch.tensor([1 if halt else 0], device=sync_device)
                    dist.all_reduce(flag, op=dist.ReduceOp.MAX)
                    halt = bool(flag.item())
                if halt:
                    break
        if steps_log is not None:
            steps_log.flush()
        if stopping and dirty:
            # a partial epoch records only the completed epochs, so a resume redoes the interrupted one
            save(completed_epoch, "signal")
    except Exception as ex:
        if _is_oom(ex):
            raise TrainerError(
                f"out of GPU memory at batch size {args.batch_size}; try a smaller --batch-size"
            ) from ex
        raise
    finally:
        if steps_log is not None:
            steps_log.close()

    if stopping:
        emit("stopped", signal=stop.signal or "SIGTERM", step=global_step, seconds=time.time() - t_start)
        return 0
    if distributed:
        dist.barrier()
    if rank != 0:
        return 0

    # ---------------------------------------------------------------- outputs
    os.makedirs(out_dir, exist_ok=True)
    artifacts = {}
    # an early stop ends before --epochs; otherwise as before (a run that was already complete keeps its epoch)
    final_epoch = completed_epoch if completed_epoch < args.epochs else max(args.epochs, start_epoch - 1)
    small_path = os.path.join(out_dir, f"{name}.pth")
    save_small_model(small_path, ck.model_state(raw_g), raw_g.config_list, epoch=final_epoch,
                     sr=d_hp["sampling_rate"], f0=f0, version=version)
    artifacts["small_model"] = small_path
    emit("artifact", kind="small_model", path=small_path)
    if not args.skip_onnx and not stop.requested:
        onnx_path = os.path.join(out_dir, f"{name}.onnx")
        try:
            opset = export_onnx(raw_g, onnx_path)
        except Exception as ex:  # noqa: BLE001
            raise TrainerError(f"ONNX export failed: {type(ex).__name__}: {ex}") from ex
        artifacts["onnx"] = onnx_path
        emit("artifact", kind="onnx", path=onnx_path, opset=opset)
    if not args.skip_index and not stop.requested:
        info = build_index(exp_dir, out_dir, name, version)
        artifacts["index"] = info["path"]
        emit("artifact", kind="index", path=info["path"], nlist=info["nlist"], ntotal=info["ntotal"])
    if stop.requested:
        emit("stopped", signal=stop.signal, step=global_step, seconds=time.time() - t_start)
        return 0
    emit("done", epoch=final_epoch, step=global_step, seconds=time.time() - t_start, artifacts=artifacts,
         **({"early_stop": {k: early[k] for k in ("epoch", "best_epoch", "reason")}} if early else {}))
    log.info("training done: %s", artifacts)
    return 0
