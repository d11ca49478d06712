"""The restricted unpickler: hostile files are refused with nothing executed; every kind of file we read still loads."""

from __future__ import annotations

import collections
import os
import pickle
import subprocess
import sys
import types
import zipfile

import numpy as np
import pytest
import torch

from trainer.commons import load_file
from trainer.safe_pickle import RefusedGlobal, UnsafeFile, safe_load


class _Payload:
    """Pickles as a call of ``func(*args)``: what an attacker puts into a .pth."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _hostile_payloads(marker: str):
    cmd = f"touch {marker}"
    return {
        "posix.system": _Payload(os.system, cmd),
        "subprocess.check_call": _Payload(subprocess.check_call, ["touch", marker]),
        "builtins.eval": _Payload(eval, f"open({marker!r}, 'w').close()"),
        "builtins.exec": _Payload(exec, f"open({marker!r}, 'w').close()"),
        # a global that is not allowed inside a module whose other globals are
        "torch._utils._import_dotted_name": _Payload(torch._utils._import_dotted_name, "os"),
        "collections.namedtuple": _Payload(collections.namedtuple, "T", "a"),
    }


def _small_model_like(payload):
    """A file that looks like an RVC small model, with the payload hidden in a field."""
    return {"weight": collections.OrderedDict(w=torch.zeros(3)), "config": [1, 2], "info": payload, "sr": "40k", "f0": 1,
            "version": "v2"}


@pytest.mark.parametrize("zip_format", [True, False], ids=["zip", "legacy"])
@pytest.mark.parametrize("policy", ["weights", "asset"])
def test_hostile_globals_are_refused_and_nothing_runs(tmp_path, zip_format, policy):
    marker = str(tmp_path / "pwned")
    for expected, payload in _hostile_payloads(marker).items():
        path = str(tmp_path / f"{expected}.pth")
        torch.save(_small_model_like(payload), path, _use_new_zipfile_serialization=zip_format)
        with pytest.raises(RefusedGlobal) as err:
            safe_load(path, policy)
        assert err.value.global_name == expected
        assert expected in str(err.value)
        assert not os.path.exists(marker), f"{expected} ran"


def test_plain_pickle_with_legacy_header_is_refused(tmp_path):
    marker = str(tmp_path / "pwned")
    path = str(tmp_path / "raw.pth")
    with open(path, "wb") as f:
        pickle.dump(_Payload(os.system, f"touch {marker}"), f, protocol=2)
    with pytest.raises(RefusedGlobal):
        load_file(path)
    assert not os.path.exists(marker)


def test_compressed_zip_records_and_tar_and_junk_are_refused(tmp_path):
    good = str(tmp_path / "good.pth")
    torch.save({"w": torch.ones(4)}, good)
    deflated = str(tmp_path / "deflated.pth")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(deflated, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    with pytest.raises(UnsafeFile, match="compressed"):
        safe_load(deflated)
    junk = str(tmp_path / "junk.pth")
    with open(junk, "wb") as f:
        f.write(b"not a torch file at all")
    with pytest.raises(UnsafeFile, match="not a PyTorch file"):
        safe_load(junk)


class _HugeView:
    """A tensor whose pickle claims 10^12 elements on a 4-element storage (stride 0)."""

    def __init__(self, storage):
        self.storage = storage

    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, (self.storage, 0, (10**6, 10**6), (0, 0), False, collections.OrderedDict())


def test_tensor_larger_than_its_storage_is_refused(tmp_path):
    path = str(tmp_path / "bomb.pth")
    torch.save({"w": _HugeView(torch.zeros(4).storage())}, path)
    with pytest.raises(UnsafeFile, match="points into a storage"):
        safe_load(path)


@pytest.mark.parametrize("zip_format", [True, False], ids=["zip", "legacy"])
def test_training_checkpoint_with_optimizer_state_loads(tmp_path, zip_format):
    net = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4, betas=(0.8, 0.99), eps=1e-9)
    net(torch.ones(1, 3)).sum().backward()
    opt.step()
    path = str(tmp_path / "G_10.pth")
    torch.save({"model": net.state_dict(), "iteration": 10, "optimizer": opt.state_dict(), "learning_rate": 1e-4}, path,
               _use_new_zipfile_serialization=zip_format)
    ck = load_file(path)
    assert ck["iteration"] == 10 and ck["learning_rate"] == 1e-4
    assert torch.equal(ck["model"]["weight"], net.weight.detach())
    assert ck["optimizer"]["param_groups"][0]["betas"] == (0.8, 0.99)
    opt2 = torch.optim.AdamW(torch.nn.Linear(3, 2).parameters(), lr=1e-4)
    opt2.load_state_dict(ck["optimizer"])  # usable, not just readable


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.bfloat16])
def test_small_model_tensors_of_each_precision_load_unchanged(tmp_path, dtype):
    w = torch.randn(5, 7).to(dtype)
    path = str(tmp_path / "m.pth")
    torch.save({"weight": collections.OrderedDict(a=w, b=w[1:3]), "config": [1, 2.5, [3, 4]], "info": "10epoch", "sr": "40k",
                "f0": 1, "version": "v2", "dtype": dtype, "device": torch.device("cpu"), "shape": torch.Size([2, 3]),
                "epoch": np.int64(7), "loss": np.float32(0.25), "tags": {"a", "b"}}, path)
    cpt = load_file(path)
    assert cpt["weight"]["a"].dtype == dtype and torch.equal(cpt["weight"]["a"], w)
    assert torch.equal(cpt["weight"]["b"], w[1:3])
    assert cpt["config"] == [1, 2.5, [3, 4]] and cpt["dtype"] == dtype and cpt["shape"] == (2, 3)
    assert int(cpt["epoch"]) == 7 and float(cpt["loss"]) == 0.25 and cpt["tags"] == {"a", "b"}


def test_asset_policy_reads_fairseq_configs_as_inert_objects(tmp_path):
    names = ("fairseq", "fairseq.dataclass", "fairseq.dataclass.configs")
    for name in names:  # a class of a module that is not installed here, as in real fairseq checkpoints
        sys.modules[name] = types.ModuleType(name)
    cfg_cls = type("FairseqConfig", (), {"__module__": "fairseq.dataclass.configs"})
    sys.modules["fairseq.dataclass.configs"].FairseqConfig = cfg_cls
    try:
        cfg = cfg_cls()
        cfg.encoder_attention_heads = 12
        path = str(tmp_path / "hubert.pt")
        torch.save({"model": {"w": torch.ones(2)}, "cfg": {"model": cfg}}, path)
    finally:
        for name in names:
            del sys.modules[name]
    with pytest.raises(RefusedGlobal, match="fairseq.dataclass.configs.FairseqConfig"):
        safe_load(path, "weights")  # model files never need config classes
    ck = safe_load(path, "asset")
    assert ck["cfg"]["model"].encoder_attention_heads == 12
    assert type(ck["cfg"]["model"]).__module__.startswith("inert.")  # a stand-in, not the real class


def test_inspect_names_the_refused_global_and_reads_g_and_d(tmp_path, capsys):
    import json

    from trainer.cli import main

    marker = str(tmp_path / "pwned")
    hostile = str(tmp_path / "hostile.pth")
    torch.save({"model": {"dec.w": torch.ones(2)}, "iteration": _Payload(os.system, f"touch {marker}")}, hostile)
    good_g = str(tmp_path / "f0G40k.pth")
    torch.save({"model": collections.OrderedDict([("dec.conv_pre.weight", torch.ones(2, 3)), ("enc_p.w", torch.ones(4))])}, good_g)
    good_d = str(tmp_path / "f0D40k.pth")
    torch.save({"model": {"discriminators.0.convs.0.weight": torch.ones(5)}, "iteration": 3}, good_d)

    def run(*argv):
        capsys.readouterr()
        code = main(["inspect", *argv])
        return code, [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]

    for flag in ("--checkpoint", "--small-model"):
        code, events = run(flag, hostile)
        assert code == 1 and "posix.system" in events[-1]["message"], events
    assert not os.path.exists(marker)
    code, events = run("--checkpoint", good_g)
    assert code == 0 and events[-1]["role"] == "g" and events[-1]["tensors"] == 2 and events[-1]["params"] == 10
    code, events = run("--checkpoint", good_d)
    assert code == 0 and events[-1]["role"] == "d" and events[-1]["iteration"] == 3
