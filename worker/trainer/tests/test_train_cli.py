"""End-to-end: the CLI trains the tiny config, checkpoints, resumes, survives SIGTERM and rejects bad input."""

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from conftest import WORKER_DIR, make_experiment, read_events, tiny_config
from trainer.cli import main
from trainer.models import MultiPeriodDiscriminator, Synthesizer
from trainer.step import build_models


def run_cli(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr().out
    return rc, read_events(out)


def train_args(exp, epochs, *extra):
    return ["train", "--exp-dir", exp, "--epochs", str(epochs), "--batch-size", "2", "--save-every", "1",
            "--out", os.path.join(os.path.dirname(exp), "out"), "--skip-onnx", "--skip-index", *extra]


def of(events, type_):
    return [e for e in events if e["type"] == type_]


# ------------------------------------------------------------------------------------------------ training


def test_train_few_epochs_mel_loss_goes_down_and_protocol(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    rc, ev = run_cli(capsys, *train_args(exp, 4))
    assert rc == 0
    assert ev[0]["type"] == "start" and ev[0]["device"] == "cpu" and ev[0]["total_steps"] == 12
    assert ev[0]["params"]["g"] > 0 and ev[0]["params"]["d"] > 0
    assert ev[-1]["type"] == "done"
    epochs = of(ev, "epoch")
    assert [e["epoch"] for e in epochs] == [1, 2, 3, 4]
    for e in epochs:
        assert set(e["losses"]) >= {"disc", "gen", "fm", "mel", "kl", "g_total"}
        assert e["seconds"] > 0
    assert epochs[-1]["losses"]["mel"] < 0.6 * epochs[0]["losses"]["mel"]
    # exponential decay per epoch
    assert epochs[1]["lr"] == pytest.approx(epochs[0]["lr"] * 0.999875)
    assert of(ev, "progress") and all({"epoch", "step", "steps_per_s"} <= set(p) for p in of(ev, "progress"))
    cps = of(ev, "checkpoint")
    assert [c["epoch"] for c in cps] == [1, 2, 3, 4]
    g = torch.load(cps[-1]["g"], map_location="cpu")
    assert list(g)[:4] == ["model", "iteration", "optimizer", "learning_rate"]
    assert g["iteration"] == 4 and g["learning_rate"] == tiny_config()["train"]["learning_rate"]
    assert os.path.basename(cps[-1]["g"]) == "G_12.pth" and os.path.basename(cps[-1]["d"]) == "D_12.pth"
    assert not [n for n in os.listdir(exp) if n.endswith(".tmp")]
    # spectrograms are cached next to the wavs
    assert [n for n in os.listdir(os.path.join(exp, "0_gt_wavs")) if n.endswith(".spec.pt")]


def test_training_is_seeded(tmp_path, capsys):
    a = make_experiment(str(tmp_path / "a"))
    b = make_experiment(str(tmp_path / "b"))
    _, ev_a = run_cli(capsys, *train_args(a, 1))
    _, ev_b = run_cli(capsys, *train_args(b, 1))
    assert of(ev_a, "epoch")[0]["losses"] == of(ev_b, "epoch")[0]["losses"]


def test_resume_continues_epochs_and_optimizer_state(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    rc, _ = run_cli(capsys, *train_args(exp, 2))
    assert rc == 0
    rc, ev = run_cli(capsys, *train_args(exp, 4))
    assert rc == 0
    start = ev[0]
    assert start["start_epoch"] == 3 and start["step"] == 6 and start["resumed_from"].endswith("G_6.pth")
    assert [e["epoch"] for e in of(ev, "epoch")] == [3, 4]
    g = torch.load(os.path.join(exp, "G_12.pth"), map_location="cpu")
    steps = {int(s["step"]) for s in g["optimizer"]["state"].values()}
    assert steps == {12}  # Adam moments carried over: 6 steps before the restart + 6 after


def test_checkpoint_optimizer_resumes_a_torch_lr_scheduler_as_upstream(tmp_path, capsys):
    """Upstream's train.py: load the optimizer state, then ExponentialLR(optim, lr_decay, last_epoch=epoch_str - 2)."""
    exp = make_experiment(str(tmp_path / "a"))
    rc, _ = run_cli(capsys, *train_args(exp, 2))
    assert rc == 0
    cont = make_experiment(str(tmp_path / "b"))  # the same run trained straight through: the sequence to continue
    rc, ev = run_cli(capsys, *train_args(cont, 5))
    assert rc == 0
    expected = [e["lr"] for e in of(ev, "epoch")][2:]  # epochs 3, 4, 5
    hp = tiny_config()
    for name in ("G_6.pth", "D_6.pth"):
        ck = torch.load(os.path.join(exp, name), map_location="cpu")
        groups = ck["optimizer"]["param_groups"]
        assert all(g["initial_lr"] == hp["train"]["learning_rate"] for g in groups)
        net = build_models(hp, "v2", True, torch.device("cpu"))[0 if name[0] == "G" else 1]
        opt = torch.optim.AdamW(net.parameters(), lr=ck["learning_rate"], betas=(0.8, 0.99), eps=1e-9)
        opt.load_state_dict(ck["optimizer"])
        # the rate upstream stores after epoch N is that of epoch N: lr0 * gamma^(N-1)
        assert all(g["lr"] == pytest.approx(expected[0] / hp["train"]["lr_decay"], rel=1e-12) for g in groups)
        # upstream's own call (it re-trains epoch `iteration`: last_epoch = iteration - 2) must not raise
        torch.optim.lr_scheduler.ExponentialLR(copy.deepcopy(opt), gamma=hp["train"]["lr_decay"],
                                               last_epoch=ck["iteration"] - 2)
        # and continuing after the saved epoch, as our trainer does, gives exactly the straight run's rates
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=hp["train"]["lr_decay"], last_epoch=ck["iteration"] - 1)
        got = []
        for _ in expected:
            got.append(opt.param_groups[0]["lr"])
            sched.step()
        assert got == pytest.approx(expected, rel=1e-12, abs=0)


def test_resume_reads_older_checkpoints_without_initial_lr(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    rc, _ = run_cli(capsys, *train_args(exp, 2))
    assert rc == 0
    for name in ("G_6.pth", "D_6.pth"):  # as this trainer wrote them before: no initial_lr, lr of the first epoch
        path = os.path.join(exp, name)
        ck = torch.load(path, map_location="cpu")
        for g in ck["optimizer"]["param_groups"]:
            del g["initial_lr"]
            g["lr"] = ck["learning_rate"]
        torch.save(ck, path)
    rc, ev = run_cli(capsys, *train_args(exp, 3))
    assert rc == 0
    assert ev[0]["start_epoch"] == 3 and ev[0]["resumed_from"].endswith("G_6.pth")
    assert not [w for w in of(ev, "warning") if "optimizer" in w["message"]]
    assert of(ev, "epoch")[0]["lr"] == pytest.approx(tiny_config()["train"]["learning_rate"] * 0.999875 ** 2)
    g = torch.load(os.path.join(exp, "G_9.pth"), map_location="cpu")
    assert {int(s["step"]) for s in g["optimizer"]["state"].values()} == {9}
    assert all("initial_lr" in grp for grp in g["optimizer"]["param_groups"])


def test_corrupt_newest_checkpoint_is_skipped_with_warning(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    run_cli(capsys, *train_args(exp, 2))
    with open(os.path.join(exp, "G_6.pth"), "wb") as f:
        f.write(b"\x00garbage, not a zip or pickle")
    rc, ev = run_cli(capsys, *train_args(exp, 3))
    assert rc == 0
    warnings = of(ev, "warning")
    assert any("G_6" in w["message"] for w in warnings)
    assert ev[[e["type"] for e in ev].index("start")]["resumed_from"].endswith("G_3.pth")
    assert [e["epoch"] for e in of(ev, "epoch")] == [2, 3]


def test_sigterm_mid_epoch_saves_loadable_checkpoint_and_exits_0(tmp_path):
    exp = make_experiment(str(tmp_path), n_items=12)
    cmd = [sys.executable, "-m", "trainer", *train_args(exp, 1000), "--progress-interval", "0"]
    cmd[cmd.index("--save-every") + 1] = "1000"
    proc = subprocess.Popen(cmd, cwd=WORKER_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    events = []
    try:
        for line in proc.stdout:
            events.append(json.loads(line))
            if events[-1]["type"] == "progress" and events[-1]["step"] >= 8:
                break  # epoch 2, step 2 of 6: mid-epoch
        proc.send_signal(signal.SIGTERM)
        t0 = time.time()
        rest, err = proc.communicate(timeout=30)
        elapsed = time.time() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
    events += read_events(rest)
    assert proc.returncode == 0, err
    assert elapsed < 10
    cp = of(events, "checkpoint")
    assert len(cp) == 1 and cp[0]["reason"] == "signal"
    assert events[-1]["type"] == "stopped" and events[-1]["signal"] == "SIGTERM"
    g = torch.load(cp[0]["g"], map_location="cpu")
    d = torch.load(cp[0]["d"], map_location="cpu")
    assert g["iteration"] == 1 and d["iteration"] == 1  # only completed epochs; the interrupted one is redone
    net = Synthesizer.from_hparams(tiny_config(), version="v2", f0=True)
    net.load_state_dict(g["model"], strict=True)


def test_pretrained_load_strict_and_errors(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    hp = tiny_config()
    torch.manual_seed(7)
    g = Synthesizer.from_hparams(hp, version="v2", f0=True)
    d = MultiPeriodDiscriminator("v2", periods=hp["studio"]["disc_periods"], channel_div=hp["studio"]["disc_channel_div"])
    pg, pd = str(tmp_path / "f0G32k.pth"), str(tmp_path / "f0D32k.pth")
    torch.save({"model": {k: v.half() for k, v in g.state_dict().items()}}, pg)
    torch.save({"model": {k: v.half() for k, v in d.state_dict().items()}}, pd)

    from trainer.checkpoints import load_pretrained

    fresh = Synthesizer.from_hparams(hp, version="v2", f0=True)
    load_pretrained(fresh, pg, "G")
    for k, v in g.state_dict().items():
        assert torch.equal(fresh.state_dict()[k], v.half().float()), k

    rc, ev = run_cli(capsys, *train_args(exp, 1, "--pretrained-g", pg, "--pretrained-d", pd))
    assert rc == 0 and ev[-1]["type"] == "done"

    # a pretrained G of another shape: one clear error line
    other = dict(hp, model=dict(hp["model"], hidden_channels=12))
    g2 = Synthesizer.from_hparams(other, version="v2", f0=True)
    bad = str(tmp_path / "other.pth")
    torch.save({"model": g2.state_dict()}, bad)
    exp2 = make_experiment(str(tmp_path / "second"))
    rc, ev = run_cli(capsys, *train_args(exp2, 1, "--pretrained-g", bad))
    assert rc == 1 and len(of(ev, "error")) == 1
    assert "does not fit this model" in ev[-1]["message"] and "shape mismatches" in ev[-1]["message"]


# ------------------------------------------------------------------------------------------------ bad input


def _error(capsys, exp, *extra):
    rc, ev = run_cli(capsys, *train_args(exp, 1, *extra))
    assert rc == 1
    errs = of(ev, "error")
    assert len(errs) == 1 and "\n" not in errs[0]["message"]
    return errs[0]["message"]


def test_error_missing_feature_file(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    os.unlink(os.path.join(exp, "3_feature768", "0_3.npy"))
    assert re.search(r"missing feature file: .*0_3\.npy", _error(capsys, exp))


def test_error_feature_dim_mismatch(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), feature_dim=256)
    msg = _error(capsys, exp)
    assert "768" in msg and "256" in msg


def test_error_empty_filelist(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    open(os.path.join(exp, "filelist.txt"), "w").close()
    msg = _error(capsys, exp)
    assert "filelist" in msg and "empty" in msg


def test_error_unknown_sample_rate(tmp_path, capsys):
    hp = tiny_config()
    hp["data"]["sampling_rate"] = 44100
    exp = make_experiment(str(tmp_path), config=hp)
    assert "unknown sample rate 44100" in _error(capsys, exp)


def test_error_wav_rate_differs_from_config(tmp_path, capsys):
    hp = tiny_config()
    exp = make_experiment(str(tmp_path), config=hp, sr=40000)
    assert "40000 Hz" in _error(capsys, exp)


def test_error_corrupt_pretrained(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    bad = tmp_path / "f0G40k.pth"
    bad.write_bytes(np.random.default_rng(0).bytes(4096))
    assert "not a readable PyTorch file" in _error(capsys, exp, "--pretrained-g", str(bad))


def test_error_no_cuda(tmp_path, capsys):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    exp = make_experiment(str(tmp_path))
    assert "CUDA is not available" in _error(capsys, exp, "--device", "cuda")


def test_ddp_two_cpu_processes(tmp_path):
    """DDP path (gloo on CPU; the same code uses NCCL with --gpus 0,1): rank 0 speaks and saves."""
    exp = make_experiment(str(tmp_path))
    cmd = [sys.executable, "-m", "trainer", *train_args(exp, 2), "--cpu-processes", "2"]
    r = subprocess.run(cmd, cwd=WORKER_DIR, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    ev = read_events(r.stdout)
    assert ev[0]["type"] == "start" and ev[0]["world_size"] == 2
    assert ev[0]["steps_per_epoch"] == 2  # 6 clips, batch 2 per rank, 2 ranks → bucket padded to 8 → 2 steps
    assert ev[-1]["type"] == "done"
    assert len(of(ev, "epoch")) == 2 and len(of(ev, "start")) == 1  # no duplicate lines from rank 1
    g = torch.load(of(ev, "checkpoint")[-1]["g"], map_location="cpu")
    assert not any(k.startswith("module.") for k in g["model"])
    net = Synthesizer.from_hparams(tiny_config(), version="v2", f0=True)
    net.load_state_dict(g["model"], strict=True)


def test_keep_and_save_every_weights(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    rc, ev = run_cli(capsys, *train_args(exp, 3, "--keep", "2", "--save-every-weights"))
    assert rc == 0
    assert sorted(n for n in os.listdir(exp) if n.endswith(".pth")) == ["D_6.pth", "D_9.pth", "G_6.pth", "G_9.pth"]
    weights = [e for e in of(ev, "artifact") if e["kind"] == "weights"]
    assert [os.path.basename(w["path"]) for w in weights] == ["exp_e1_s3.pth", "exp_e2_s6.pth", "exp_e3_s9.pth"]
    assert torch.load(weights[0]["path"], map_location="cpu")["info"] == "1epoch"


def test_out_of_memory_is_one_clear_line(tmp_path, capsys, monkeypatch):
    from trainer import step

    def boom(self, batch):
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(step.StepRunner, "__call__", boom)
    exp = make_experiment(str(tmp_path))
    msg = _error(capsys, exp, "--batch-size", "4")
    assert "out of GPU memory at batch size" in msg and "smaller --batch-size" in msg


def test_corrupt_spec_cache_is_rebuilt(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    with open(os.path.join(exp, "0_gt_wavs", "0_0.spec.pt"), "wb") as f:
        f.write(b"not a tensor")
    rc, ev = run_cli(capsys, *train_args(exp, 1))
    assert rc == 0
    spec = torch.load(os.path.join(exp, "0_gt_wavs", "0_0.spec.pt"))
    assert spec.shape == (513, 200)


def test_error_no_usable_clips(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), n_items=2, seconds=0.5)
    assert "no usable clips" in _error(capsys, exp)


def test_no_pitch_model_trains_and_exports(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), f0=False)
    args = train_args(exp, 2, "--f0", "0")
    args.remove("--skip-onnx")
    rc, ev = run_cli(capsys, *args)
    assert rc == 0, ev[-1]
    small = torch.load(of(ev, "artifact")[0]["path"], map_location="cpu")
    assert small["f0"] == 0 and not any(k.startswith("dec.m_source") for k in small["weight"])
    assert os.path.isfile(os.path.join(os.path.dirname(exp), "out", "exp.onnx"))


def test_sigkill_then_resume(tmp_path, capsys):
    """A hard kill never leaves a half-written checkpoint in place; the next run resumes from the last pair."""
    exp = make_experiment(str(tmp_path))
    cmd = [sys.executable, "-m", "trainer", *train_args(exp, 1000)]
    proc = subprocess.Popen(cmd, cwd=WORKER_DIR, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:
            if json.loads(line)["type"] == "checkpoint":
                break
        time.sleep(0.3)  # likely mid-step or mid-write of the next pair
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    stale = tmp_path / "exp" / ".G_999.pth.abc123.tmp"
    stale.write_bytes(b"partial")
    rc, ev = run_cli(capsys, *train_args(exp, 1))
    assert rc == 0
    start = of(ev, "start")[0]
    assert start["resumed_from"] is not None and start["start_epoch"] >= 2
    assert not stale.exists()


def test_resume_from_checkpoint_of_another_config_keeps_going(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    run_cli(capsys, *train_args(exp, 1))
    hp = tiny_config()
    hp["model"]["filter_channels"] = 24  # enc_p FFN shapes change
    with open(os.path.join(exp, "config.json"), "w") as f:
        json.dump(hp, f)
    rc, ev = run_cli(capsys, *train_args(exp, 2))
    assert rc == 0 and ev[-1]["type"] == "done"
    msgs = " ".join(w["message"] for w in of(ev, "warning"))
    assert "kept their fresh values" in msgs and "optimizer state is not used" in msgs


def test_upstream_mute_entries_train(tmp_path, capsys):
    """RVC's filelist ends with 2 'mute' lines: int16 silence, 149 feature frames, 301 pitch frames of 0/1."""
    from scipy.io import wavfile

    exp = make_experiment(str(tmp_path))
    mute = tmp_path / "mute"
    for d in ("0_gt_wavs", "3_feature768", "2a_f0", "2b-f0nsf"):
        (mute / d).mkdir(parents=True)
    wavfile.write(mute / "0_gt_wavs" / "mute32k.wav", 32000, np.zeros(96000, dtype=np.int16))
    np.save(mute / "3_feature768" / "mute.npy", np.random.default_rng(1).standard_normal((149, 768)).astype(np.float32))
    np.save(mute / "2a_f0" / "mute.wav.npy", np.ones(301, dtype=np.int32))
    np.save(mute / "2b-f0nsf" / "mute.wav.npy", np.zeros(301, dtype=np.float64))
    line = "|".join([str(mute / "0_gt_wavs" / "mute32k.wav"), str(mute / "3_feature768" / "mute.npy"),
                     str(mute / "2a_f0" / "mute.wav.npy"), str(mute / "2b-f0nsf" / "mute.wav.npy"), "0"])
    with open(os.path.join(exp, "filelist.txt"), "a") as f:
        f.write("\n" + line + "\n" + line)
    rc, ev = run_cli(capsys, *train_args(exp, 1))
    assert rc == 0 and ev[0]["items"] == 8
    assert all(np.isfinite(v) for v in of(ev, "epoch")[0]["losses"].values())


def test_ddp_sigterm_stops_all_ranks_and_saves(tmp_path):
    exp = make_experiment(str(tmp_path), n_items=8)
    cmd = [sys.executable, "-m", "trainer", *train_args(exp, 1000), "--cpu-processes", "2", "--progress-interval", "0"]
    cmd[cmd.index("--save-every") + 1] = "1000"
    proc = subprocess.Popen(cmd, cwd=WORKER_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    events = []
    try:
        for line in proc.stdout:
            events.append(json.loads(line))
            if events[-1]["type"] == "progress" and events[-1]["step"] >= 3:
                break
        proc.send_signal(signal.SIGTERM)  # to the parent only: it forwards to the ranks
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    events += read_events(rest)
    assert proc.returncode == 0, err[-2000:]
    assert events[-1]["type"] == "stopped"
    cp = of(events, "checkpoint")
    assert len(cp) == 1 and cp[0]["reason"] == "signal"
    g = torch.load(cp[0]["g"], map_location="cpu")
    assert not any(k.startswith("module.") for k in g["model"])
