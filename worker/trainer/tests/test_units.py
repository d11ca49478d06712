"""Unit checks of the pieces whose behaviour is easy to get subtly wrong."""

import math

import numpy as np
import torch

from trainer.data import BucketBatchSampler
from trainer.indexing import n_ivf_for
from trainer.mel import mel_basis_np, spectrogram
from trainer.models import SineSource
from trainer.modules import RelativeSelfAttention


def test_relative_attention_matches_naive_windowed_definition():
    torch.manual_seed(0)
    for t in (3, 11, 25):  # shorter than, near and longer than the window of 10
        attn = RelativeSelfAttention(8, 8, n_heads=2, window_size=10).eval()
        x = torch.randn(1, 8, t)
        mask = torch.ones(1, 1, t, t)
        got = attn(x, mask)
        # naive: score_ij = q_i·k_j + q_i·E_k[j-i], out_i = Σ p_ij (v_j + E_v[j-i]); E[d] = 0 outside |d| ≤ 10
        kc = attn.k_channels
        q = attn.conv_q(x).view(1, 2, kc, t).transpose(2, 3) / math.sqrt(kc)
        k = attn.conv_k(x).view(1, 2, kc, t).transpose(2, 3)
        v = attn.conv_v(x).view(1, 2, kc, t).transpose(2, 3)

        def rel(table, d):
            return table[0, 10 + d] if abs(d) <= 10 else torch.zeros(kc)

        out = torch.zeros(1, 2, t, kc)
        for h in range(2):
            for i in range(t):
                s = torch.stack([q[0, h, i] @ k[0, h, j] + q[0, h, i] @ rel(attn.emb_rel_k, j - i) for j in range(t)])
                p = torch.softmax(s, 0)
                out[0, h, i] = sum(p[j] * (v[0, h, j] + rel(attn.emb_rel_v, j - i)) for j in range(t))
        want = attn.conv_o(out.transpose(2, 3).reshape(1, 8, t))
        assert torch.allclose(got, want, atol=1e-5), t


def test_spectrogram_frames_and_peak():
    sr, n_fft, hop = 32000, 1024, 320
    n = 32000
    f = 1000.0
    y = torch.sin(2 * math.pi * f * torch.arange(n) / sr).unsqueeze(0)
    spec = spectrogram(y, n_fft, hop, n_fft)
    assert spec.shape == (1, n_fft // 2 + 1, n // hop)
    assert int(spec[0, :, 50].argmax()) == round(f * n_fft / sr)


def test_mel_basis_is_slaney():
    w = mel_basis_np(32000, 1024, 80, 0.0, None)
    assert w.shape == (80, 513) and w.dtype == np.float32 and (w >= 0).all()
    peaks = w.argmax(1)
    assert (np.diff(peaks) >= 0).all()
    # slaney norm: each triangle has unit area in Hz
    df = 32000 / 1024
    areas = w.sum(1) * df
    assert np.allclose(areas[40:], 1.0, rtol=0.02)  # wide filters; narrow low ones are coarsely sampled


def test_sine_source_phase_is_continuous():
    src = SineSource(40000, noise_std=0.0)
    f0 = torch.full((1, 10), 220.0)
    ex = src.excitation(f0, 400)[0, :, 0]
    n = torch.arange(1, 4001, dtype=torch.float64)
    want = 0.1 * torch.sin(2 * math.pi * 220.0 * n / 40000)
    assert torch.allclose(ex.double(), want, atol=1e-4)
    # unvoiced frames: noise only, amplitude ~ 0.1/3
    ex0 = SineSource(40000).excitation(torch.zeros(1, 50), 400)
    assert 0.02 < float(ex0.std()) < 0.045


def test_bucket_sampler_drops_pads_and_is_seeded():
    lengths = [50, 150, 150, 150, 250, 950, 100, 900]
    s = BucketBatchSampler(lengths, batch_size=2)
    assert s.dropped == 3  # 50, 950 and exactly 100 are outside (100, 900]
    s.set_epoch(1)
    a = list(s)
    s.set_epoch(1)
    assert list(s) == a
    assert all(len(b) == 2 for b in a)
    flat = sorted(i for b in a for i in b)
    assert set(flat) == {1, 2, 3, 4, 7}
    assert len(a) == len(s) == 4  # (100,200]: 3 items padded to 4 → 2 batches; (200,300] and (800,900]: 1 each


def test_n_ivf_rule():
    assert n_ivf_for(594) == 15
    assert n_ivf_for(10) == 1
    assert n_ivf_for(200000) == 5128
    assert n_ivf_for(10000) == 256


def test_filelist_parsing(tmp_path):
    from trainer.data import parse_filelist
    from trainer.errors import TrainerError
    import pytest

    fl = tmp_path / "filelist.txt"
    fl.write_text("/a/0_gt_wavs/x.wav|/a/3_feature768/x.npy|/a/2a_f0/x.wav.npy|/a/2b-f0nsf/x.wav.npy|2\n\n"
                  "0_gt_wavs/y.wav|3_feature768/y.npy|2a_f0/y.wav.npy|2b-f0nsf/y.wav.npy|2")  # no trailing newline
    items = parse_filelist(str(fl), True)
    assert [i.sid for i in items] == [2, 2]
    assert items[0].pitchf == "/a/2b-f0nsf/x.wav.npy"
    assert items[1].wav == str(tmp_path / "0_gt_wavs" / "y.wav")
    with pytest.raises(TrainerError, match="expected 3"):
        parse_filelist(str(fl), False)
