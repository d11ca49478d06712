"""The per-step loss file (steplog.py): written every step, whole history over "more epochs", no orphans on resume."""

import math
import os

from conftest import make_experiment, read_events
from trainer.cli import main
from trainer.steplog import STEP_FILE, StepLog, read_records


def train(capsys, exp, epochs):
    rc = main(["train", "--exp-dir", exp, "--epochs", str(epochs), "--batch-size", "2", "--save-every", "1",
               "--out", os.path.join(os.path.dirname(exp), "out"), "--skip-onnx", "--skip-index"])
    assert rc == 0
    return read_events(capsys.readouterr().out)


def test_every_step_recorded_and_more_epochs_keeps_history(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    ev = train(capsys, exp, 2)
    fields, recs = read_records(os.path.join(exp, STEP_FILE))
    assert {"disc", "gen", "fm", "mel", "kl"} <= set(fields)
    assert [r[0] for r in recs] == [1, 2, 3, 4, 5, 6]
    assert [r[1] for r in recs] == [1, 1, 1, 2, 2, 2]
    # the file's values are the steps the epoch means were made of
    epochs = [e for e in ev if e["type"] == "epoch"]
    for e in epochs:
        vals = [r[2]["mel"] for r in recs if r[1] == e["epoch"]]
        assert math.isclose(sum(vals) / len(vals), e["losses"]["mel"], rel_tol=1e-5)
    first = open(os.path.join(exp, STEP_FILE), "rb").read()

    train(capsys, exp, 3)  # "1 more epoch": resumes at step 6 and keeps 1..6 as they were
    _, recs = read_records(os.path.join(exp, STEP_FILE))
    assert [r[0] for r in recs] == list(range(1, 10))
    assert open(os.path.join(exp, STEP_FILE), "rb").read()[: len(first)] == first


def test_resume_from_an_older_checkpoint_drops_the_orphan_steps(tmp_path, capsys):
    exp = make_experiment(str(tmp_path))
    train(capsys, exp, 3)
    _, before = read_records(os.path.join(exp, STEP_FILE))
    assert [r[0] for r in before] == list(range(1, 10))
    # the newest checkpoint is lost (say a crash while writing it): training resumes at step 6
    for n in ("G_9.pth", "D_9.pth"):
        os.remove(os.path.join(exp, n))
    ev = train(capsys, exp, 3)
    assert ev[0]["step"] == 6
    _, after = read_records(os.path.join(exp, STEP_FILE))
    assert [r[0] for r in after] == list(range(1, 10))  # 7..9 once, not twice
    assert [r[1] for r in after] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert after[:6] == before[:6]


def test_open_cuts_a_half_record_and_restarts_a_foreign_file(tmp_path):
    exp = str(tmp_path)
    log = StepLog.open(exp, 0)
    for s in range(1, 5):
        log.append(s, 1, {"mel": float(s), "kl": None})
    log.close()
    path = os.path.join(exp, STEP_FILE)
    with open(path, "ab") as f:
        f.write(b"\x05\x00\x00")  # a record cut short by a kill
    log = StepLog.open(exp, 3)
    log.append(4, 2, {"mel": 40.0, "kl": 1.0, "new": 2.0})  # an unknown name is left out, a missing one is NaN
    log.close()
    fields, recs = read_records(path)
    assert fields == ["mel", "kl"]
    assert [(r[0], r[1], r[2]["mel"]) for r in recs] == [(1, 1, 1.0), (2, 1, 2.0), (3, 1, 3.0), (4, 2, 40.0)]
    assert math.isnan(recs[0][2]["kl"]) and recs[3][2]["kl"] == 1.0
    assert os.path.getsize(path) % 4 == 0

    with open(path, "wb") as f:
        f.write(b"not a step file at all")
    log = StepLog.open(exp, 3)
    log.append(4, 2, {"mel": 1.0})
    log.close()
    assert read_records(path)[1] == [(4, 2, {"mel": 1.0})]
