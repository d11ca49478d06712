"""config.json templates (rvc-formats.md §4.2) and the write-config command."""

import json

import pytest

from conftest import config_for, read_events, tiny_config
from trainer.cli import main
from trainer.hparams import validate_hparams
from trainer.models import Synthesizer
from trainer.templates import template_name, upstream_config


@pytest.mark.parametrize("sr,name", [("32k", "v2/32k"), ("40k", "v1/40k"), ("48k", "v2/48k")])
def test_v2_templates(sr, name):
    assert template_name(sr, "v2") == name
    cfg = upstream_config(sr, "v2")
    validate_hparams(cfg)
    assert cfg == config_for({"32k": 32000, "40k": 40000, "48k": 48000}[sr])


def test_v1_templates_follow_the_table():
    c32, c48 = upstream_config("32k", "v1"), upstream_config("48k", "v1")
    assert c32["model"]["upsample_rates"] == [10, 4, 2, 2, 2] and c32["train"]["segment_size"] == 12800
    assert c48["model"]["upsample_rates"] == [10, 6, 2, 2, 2] and c48["train"]["segment_size"] == 11520
    for c in (c32, c48):
        validate_hparams(c)


def test_write_config_like_upstream(tmp_path, capsys):
    path = tmp_path / "config.json"
    assert main(["write-config", "--sample-rate", "40k", "--fp32", "--out", str(path)]) == 0
    ev = read_events(capsys.readouterr().out)
    assert ev[-1]["written"] is True and ev[-1]["template"] == "v1/40k"
    text = path.read_text()
    assert text.endswith("}\n") and text.startswith('{\n    "data": {')
    assert json.loads(text)["train"]["fp16_run"] is False
    path.write_text("{}")
    assert main(["write-config", "--sample-rate", "40k", "--out", str(path)]) == 0  # never overwrites
    assert read_events(capsys.readouterr().out)[-1]["written"] is False and path.read_text() == "{}"


def _test_model_configs():
    yield "tiny_config", tiny_config()
    for sr in (32000, 40000, 48000):
        yield f"config_for({sr})", config_for(sr)
    for version in ("v1", "v2"):
        for sr in ("32k", "40k", "48k"):
            yield f"upstream_config({sr}, {version})", upstream_config(sr, version)


def test_every_test_model_config_has_three_dilations_per_resblock():
    """Upstream's ResBlock1 indexes dilation[0..2]: a config with fewer cannot be built by upstream's model code."""
    for name, c in _test_model_configs():
        m = c["model"]
        assert m["resblock"] == "1", name
        assert len(m["resblock_dilation_sizes"]) == len(m["resblock_kernel_sizes"]), name
        assert all(len(d) == 3 for d in m["resblock_dilation_sizes"]), name


def test_tiny_model_has_upstreams_resblock_keys():
    keys = Synthesizer.from_hparams(tiny_config(), version="v2", f0=True).state_dict().keys()
    convs = {k.split(".")[4] for k in keys if k.startswith("dec.resblocks.") and ".convs1." in k}
    assert convs == {"0", "1", "2"}
