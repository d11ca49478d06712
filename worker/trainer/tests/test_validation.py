"""Held-out validation (issue 15): the STFT distance, determinism, one entry per checkpoint, no leak into training."""

import json
import os

import numpy as np
import pytest
import torch

from conftest import make_experiment, read_events, tiny_config
from trainer.cli import main
from trainer.data import MAX_FRAMES, parse_filelist
from trainer.hparams import load_hparams
from trainer.step import build_models
from trainer.validation import METRICS_FILE, Validator, multi_resolution_stft_distance


def split_heldout(exp: str, n: int) -> str:
    """Moves the last n lines of filelist.txt into heldout.txt."""
    fl = os.path.join(exp, "filelist.txt")
    lines = open(fl, encoding="utf-8").read().splitlines()
    with open(fl, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:-n]))
    path = os.path.join(exp, "heldout.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[-n:]))
    return path


def run(capsys, exp, epochs, *extra):
    rc = main(["train", "--exp-dir", exp, "--epochs", str(epochs), "--batch-size", "2", "--save-every", "1",
               "--out", os.path.join(os.path.dirname(exp), "out"), "--skip-onnx", "--skip-index", *extra])
    return rc, read_events(capsys.readouterr().out)


def test_stft_distance_zero_for_same_signal_and_grows_with_difference():
    g = torch.Generator().manual_seed(0)
    y = torch.randn(16000, generator=g)
    assert multi_resolution_stft_distance(y, y) == pytest.approx(0.0, abs=1e-4)
    near = multi_resolution_stft_distance(y, y + 0.01 * torch.randn(16000, generator=g))
    far = multi_resolution_stft_distance(y, y + 1.0 * torch.randn(16000, generator=g))
    assert 0 < near < far
    # the longer signal is cut to the shorter; very short inputs still work
    assert multi_resolution_stft_distance(y, y[:8000]) == pytest.approx(0.0, abs=1e-4)
    assert multi_resolution_stft_distance(y[:300], y[:300] * 0.5) > 0


def test_validator_is_deterministic_and_leaves_training_rng_alone(tmp_path):
    exp = make_experiment(str(tmp_path), n_items=4)
    hp = load_hparams(os.path.join(exp, "config.json"))
    items = parse_filelist(os.path.join(exp, "filelist.txt"), True)[:2]
    torch.manual_seed(1)
    net_g, _ = build_models(hp, "v2", True, torch.device("cpu"))
    v = Validator(items, hp, True, torch.device("cpu"))
    torch.manual_seed(5)
    a = v.run(net_g)
    after_a = torch.rand(1)
    torch.manual_seed(5)
    b = v.run(net_g)
    after_b = torch.rand(1)
    assert a["mel"] == b["mel"] and a["stft"] == b["stft"] and a["clips"] == 2
    assert a["mel"] > 0 and a["stft"] > 0
    assert torch.equal(after_a, after_b)  # the validation's fixed noise does not move the training's generator
    assert net_g.training


def test_every_checkpoint_is_validated_and_recorded_and_resume_appends(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), n_items=8)
    heldout = split_heldout(exp, 2)
    rc, ev = run(capsys, exp, 2, "--heldout", heldout)
    assert rc == 0
    assert ev[0]["type"] == "start" and ev[0]["heldout"] == 2 and ev[0]["items"] == 6
    vals = [e for e in ev if e["type"] == "validation"]
    assert [v["epoch"] for v in vals] == [1, 2]
    assert all(v["mel"] > 0 and v["stft"] > 0 and v["clips"] == 2 for v in vals)
    metrics = json.load(open(os.path.join(exp, METRICS_FILE)))["checkpoints"]
    assert [m["epoch"] for m in metrics] == [1, 2]
    assert metrics[1]["validation"]["mel"] == vals[1]["mel"]
    assert metrics[1]["train"]["mel"] > 0
    # continue: the history is kept and the new checkpoint appended
    rc, ev = run(capsys, exp, 3, "--heldout", heldout)
    assert rc == 0
    metrics = json.load(open(os.path.join(exp, METRICS_FILE)))["checkpoints"]
    assert [m["epoch"] for m in metrics] == [1, 2, 3]
    assert all(m["validation"] is not None for m in metrics)


def test_validation_of_the_same_weights_gives_the_same_numbers(tmp_path, capsys):
    """Two trainings from the same seed and data: identical weights, so identical validation."""
    runs = []
    for name in ("a", "b"):
        exp = make_experiment(str(tmp_path / name), n_items=6)
        heldout = split_heldout(exp, 2)
        rc, ev = run(capsys, exp, 1, "--heldout", heldout)
        assert rc == 0
        runs.append([(e["mel"], e["stft"]) for e in ev if e["type"] == "validation"])
    assert runs[0] == runs[1] and len(runs[0]) == 1


def test_heldout_clip_also_in_filelist_is_refused(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), n_items=6)
    path = os.path.join(exp, "heldout.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(open(os.path.join(exp, "filelist.txt"), encoding="utf-8").read().splitlines()[0])
    rc, ev = run(capsys, exp, 1, "--heldout", path)
    assert rc != 0
    assert any(e["type"] == "error" and "must not train" in e["message"] for e in ev)


def test_no_heldout_no_validation_but_metrics_recorded(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), n_items=4)
    rc, ev = run(capsys, exp, 1)
    assert rc == 0
    assert not [e for e in ev if e["type"] == "validation"]
    metrics = json.load(open(os.path.join(exp, METRICS_FILE)))["checkpoints"]
    assert metrics[0]["epoch"] == 1 and metrics[0]["validation"] is None


def test_early_stop_due_is_pure_and_counts_checkpoints_without_improvement():
    from trainer.validation import early_stop_due

    h = [(5, 30.0), (10, 25.0), (15, 26.0), (20, 27.0)]
    assert early_stop_due(h, 0) is None
    assert early_stop_due(h, 3) is None  # only 1 checkpoint before the last 3
    due = early_stop_due(h, 2)
    assert due["best_epoch"] == 10 and "not improved for 2 checkpoints" in due["reason"] and "epoch 10" in due["reason"]
    assert early_stop_due(h + [(25, 24.0)], 2) is None  # improved at 25
    assert early_stop_due([(5, 30.0), (10, None), (15, 31.0)], 1)["best_epoch"] == 5  # unvalidated ones do not count
    assert early_stop_due([(5, 30.0), (10, 30.0)], 1)["best_epoch"] == 5  # equal is no improvement


def test_early_stop_ends_training_at_the_documented_point(tmp_path, capsys, monkeypatch):
    """Validation that never improves after the first checkpoint: patience 2 stops after epoch 3 of 10."""
    import trainer.train as train_mod

    scores = iter([10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0])

    class Worse(Validator):
        def run(self, net_g, preview_path=None):
            return {"mel": next(scores), "stft": 1.0, "clips": len(self), "seconds": 0.0}

    monkeypatch.setattr(train_mod, "Validator", Worse)
    exp = make_experiment(str(tmp_path), n_items=8)
    heldout = split_heldout(exp, 2)
    rc, ev = run(capsys, exp, 10, "--heldout", heldout, "--early-stop-patience", "2")
    assert rc == 0
    stops = [e for e in ev if e["type"] == "early_stop"]
    assert len(stops) == 1 and stops[0]["epoch"] == 3 and stops[0]["best_epoch"] == 1
    assert [e["epoch"] for e in ev if e["type"] == "epoch"] == [1, 2, 3]
    done = ev[-1]
    assert done["type"] == "done" and done["epoch"] == 3 and done["early_stop"]["best_epoch"] == 1
    # off by default: the same scores train all epochs
    scores = iter([10.0 + i for i in range(10)])
    exp2 = make_experiment(str(tmp_path / "b"), n_items=8)
    rc, ev = run(capsys, exp2, 4, "--heldout", split_heldout(exp2, 2))
    assert [e["epoch"] for e in ev if e["type"] == "epoch"] == [1, 2, 3, 4]


def test_each_checkpoint_has_a_preview_of_the_probe_clip(tmp_path, capsys):
    from scipy.io import wavfile

    exp = make_experiment(str(tmp_path), n_items=6, seconds=2.0)
    heldout = split_heldout(exp, 2)
    rc, ev = run(capsys, exp, 2, "--heldout", heldout)
    assert rc == 0
    vals = [e for e in ev if e["type"] == "validation"]
    assert [v["preview"] for v in vals] == ["previews/e1.wav", "previews/e2.wav"]
    probe = parse_filelist(heldout, True)[0].wav
    n_probe = wavfile.read(probe)[1].shape[0]
    hop = tiny_config()["data"]["hop_length"]
    data = []
    for v in vals:
        sr, x = wavfile.read(os.path.join(exp, v["preview"]))
        assert sr == 32000 and x.dtype.name == "int16" and x.ndim == 1
        assert n_probe - 2 * hop <= x.shape[0] <= n_probe  # the probe clip's length (whole frames)
        data.append(x)
    assert not np.array_equal(data[0], data[1])  # each checkpoint's own weights
    metrics = json.load(open(os.path.join(exp, METRICS_FILE)))["checkpoints"]
    assert [m["validation"]["preview"] for m in metrics] == ["previews/e1.wav", "previews/e2.wav"]


def test_preview_is_cut_to_ten_seconds(tmp_path):
    from scipy.io import wavfile
    from trainer.validation import write_preview

    path = str(tmp_path / "p" / "e1.wav")
    write_preview(path, torch.ones(32000 * 12) * 2.0, 32000)
    sr, x = wavfile.read(path)
    assert sr == 32000 and x.shape[0] == 320000 and x.max() == 32767


def test_validation_goes_down_while_a_toy_model_learns(tmp_path, capsys):
    """Sines whose pitch the NSF source knows: the held-out mel L1 falls as the tiny model learns them."""
    exp = make_experiment(str(tmp_path), n_items=10)
    heldout = split_heldout(exp, 2)
    rc, ev = run(capsys, exp, 8, "--heldout", heldout)
    assert rc == 0
    mels = [e["mel"] for e in ev if e["type"] == "validation"]
    assert len(mels) == 8
    print("validation mel per epoch:", [round(m, 2) for m in mels])
    assert mels[-1] < mels[0] * 0.9, mels


def test_ddp_validates_on_rank_0_and_early_stop_keeps_ranks_in_step(tmp_path):
    """Two CPU processes (gloo): rank 0 validates each checkpoint; with early stop armed every rank joins its vote."""
    import subprocess
    import sys

    from conftest import WORKER_DIR

    exp = make_experiment(str(tmp_path), n_items=8)
    heldout = split_heldout(exp, 2)
    cmd = [sys.executable, "-m", "trainer", "train", "--exp-dir", exp, "--epochs", "3", "--batch-size", "2", "--save-every", "1",
           "--out", os.path.join(str(tmp_path), "out"), "--skip-onnx", "--skip-index", "--cpu-processes", "2",
           "--heldout", heldout, "--early-stop-patience", "50"]
    r = subprocess.run(cmd, cwd=WORKER_DIR, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    ev = read_events(r.stdout)
    assert ev[0]["world_size"] == 2 and ev[-1]["type"] == "done" and ev[-1]["epoch"] == 3
    assert [e["epoch"] for e in ev if e["type"] == "validation"] == [1, 2, 3]


def probe_file(tmp_path, seconds: float) -> str:
    """A clip of `seconds` outside the experiment (its own folders), as the one-line --probe file."""
    other = make_experiment(str(tmp_path / f"probe{seconds}"), n_items=1, seconds=seconds, seed=7)
    path = str(tmp_path / f"probe{seconds}.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(open(os.path.join(other, "filelist.txt"), encoding="utf-8").read().strip())
    return path


def hop_of(exp):
    return load_hparams(os.path.join(exp, "config.json"))["data"]["hop_length"]


def preview_of(exp, epoch):
    from scipy.io import wavfile
    sr, pcm = wavfile.read(os.path.join(exp, "previews", f"e{epoch}.wav"))
    return sr, pcm


def test_probe_is_the_preview_without_heldout_and_is_cut_to_10s(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), n_items=6)
    sr = load_hparams(os.path.join(exp, "config.json"))["data"]["sampling_rate"]
    rc, ev = run(capsys, exp, 2, "--probe", probe_file(tmp_path, 12.0))
    assert rc == 0
    assert not [e for e in ev if e["type"] == "validation"]  # no held-out clips: no validation, still a preview
    for epoch in (1, 2):
        rate, pcm = preview_of(exp, epoch)
        assert rate == sr and pcm.dtype == np.int16 and pcm.ndim == 1
        # the 12 s probe as the dataset reads it (features cut at MAX_FRAMES, 9 s), never over 10 s; the training clips are 2 s
        assert len(pcm) == MAX_FRAMES * hop_of(exp) <= int(10.0 * sr)
        assert np.abs(pcm).max() > 0
    metrics = json.load(open(os.path.join(exp, METRICS_FILE)))["checkpoints"]
    assert [m["epoch"] for m in metrics] == [1, 2] and all(m["validation"] is None for m in metrics)


def test_probe_replaces_the_first_heldout_clip_as_preview(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), n_items=8)  # 2 s clips
    sr = load_hparams(os.path.join(exp, "config.json"))["data"]["sampling_rate"]
    heldout = split_heldout(exp, 2)
    rc, ev = run(capsys, exp, 1, "--heldout", heldout, "--probe", probe_file(tmp_path, 3.0))
    assert rc == 0
    assert [v["epoch"] for v in ev if v["type"] == "validation"] == [1]  # validation still runs on the held-out clips
    rate, pcm = preview_of(exp, 1)
    assert rate == sr
    assert 3.0 * sr - 4 * 320 <= len(pcm) <= 3.0 * sr  # the 3 s probe (to a few frames), not a 2 s held-out clip


def test_probe_file_must_hold_one_clip(tmp_path, capsys):
    exp = make_experiment(str(tmp_path), n_items=6)
    two = str(tmp_path / "two.txt")
    lines = open(os.path.join(exp, "filelist.txt"), encoding="utf-8").read().splitlines()
    with open(two, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:2]))
    rc, ev = run(capsys, exp, 1, "--probe", two)
    assert rc != 0
    assert "expected one clip" in ev[-1]["message"]
