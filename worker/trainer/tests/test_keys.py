"""State-dict keys, shapes and order against rvc-formats.md appendices A and B (the compatibility contract)."""

import os

import pytest

from conftest import config_for
from trainer.models import MultiPeriodDiscriminator, Synthesizer, count_params

HERE = os.path.dirname(os.path.abspath(__file__))


def _appendix(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def _fmt(state):
    out = []
    for k, v in state.items():
        shape = tuple(v.shape)
        out.append(f"{k}  ({shape[0]},)" if len(shape) == 1 else f"{k}  {shape}")
    return out


@pytest.fixture(scope="module")
def g40k():
    return Synthesizer.from_hparams(config_for(40000), version="v2", f0=True)


def test_generator_v2_40k_f0_matches_appendix_a(g40k):
    expected = _appendix("appendix_a_generator_v2_40k_f0.txt")
    assert len(expected) == 560
    assert _fmt(g40k.state_dict()) == expected  # keys, shapes and order


def test_discriminator_v2_matches_appendix_b():
    expected = _appendix("appendix_b_discriminator_v2.txt")
    assert len(expected) == 165
    d = MultiPeriodDiscriminator("v2")
    assert _fmt(d.state_dict()) == expected
    assert round(count_params(d) / 1e6, 2) == 71.41


def test_parameter_counts_match_doc(g40k):
    assert round(count_params(g40k) / 1e6, 2) == 36.46
    no_q = sum(v.numel() for k, v in g40k.state_dict().items() if "enc_q" not in k)
    assert round(no_q / 1e6, 2) == 27.54
    assert sum(1 for k in g40k.state_dict() if "enc_q" not in k) == 457
    assert sum(1 for k in g40k.state_dict() if k.startswith("enc_q.")) == 103


def test_config_list_matches_doc_40k(g40k):
    assert g40k.config_list == [1025, 32, 192, 192, 768, 2, 6, 3, 0, "1", [3, 7, 11], [[1, 3, 5], [1, 3, 5], [1, 3, 5]],
                                [10, 10, 2, 2], 512, [16, 16, 4, 4], 109, 256, 40000]


@pytest.mark.parametrize("sr", [32000, 48000])
def test_other_rates_same_keys_only_documented_shapes_change(sr):
    expected = _appendix("appendix_a_generator_v2_40k_f0.txt")
    g = Synthesizer.from_hparams(config_for(sr), version="v2", f0=True)
    got = _fmt(g.state_dict())
    assert [line.split("  ")[0] for line in got] == [line.split("  ")[0] for line in expected]
    for a, b in zip(got, expected):
        if a != b:
            key = a.split("  ")[0]
            assert key.startswith(("dec.ups.", "dec.noise_convs.", "enc_q.pre.")), (a, b)


def test_v1_and_nopitch_variants():
    c = config_for(40000)
    nono = Synthesizer.from_hparams(c, version="v2", f0=False)
    assert len(nono.state_dict()) == 549
    assert not any(k.startswith(("dec.m_source", "dec.noise_convs", "enc_p.emb_pitch")) for k in nono.state_dict())
    v1 = Synthesizer.from_hparams(c, version="v1", f0=True)
    assert tuple(v1.state_dict()["enc_p.emb_phone.weight"].shape) == (192, 256)
    assert len(MultiPeriodDiscriminator("v1").discriminators) == 7
