"""Training data: filelist.txt parsing, per-item loading/alignment, collate, bucketed batching (§4.1, §4.4)."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from typing import Iterator, List, Sequence

import numpy as np
import torch
from scipy.io import wavfile

from .commons import load_file, publish
from .errors import TrainerError
from .mel import spectrogram

log = logging.getLogger("trainer.data")

MAX_FRAMES = 900  # features are truncated to 900 frames (9 s) after ×2 upsampling
BUCKET_BOUNDARIES = [100, 200, 300, 400, 500, 600, 700, 800, 900]


@dataclass
class Item:
    wav: str
    feature: str
    pitch: str | None
    pitchf: str | None
    sid: int


def _resolve(p: str, base: str) -> str:
    """Upstream writes absolute paths; a relative one is taken as is if it exists, else relative to the exp dir."""
    if os.path.isabs(p) or os.path.exists(p):
        return p
    return os.path.join(base, p)


def parse_filelist(path: str, f0: bool) -> List[Item]:
    if not os.path.isfile(path):
        raise TrainerError(f"filelist not found: {path}")
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    items: List[Item] = []
    want = 5 if f0 else 3
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        parts = line.split("|")
        if len(parts) != want:
            raise TrainerError(
                f"filelist {path} line {n}: expected {want} '|'-separated fields for a "
                f"{'pitch' if f0 else 'no-pitch'} model, got {len(parts)}"
            )
        try:
            sid = int(parts[-1])
        except ValueError:
            raise TrainerError(f"filelist {path} line {n}: speaker id {parts[-1]!r} is not an integer") from None
        base = os.path.dirname(os.path.abspath(path))
        p = [_resolve(x, base) for x in parts[:-1]]
        if f0:
            items.append(Item(p[0], p[1], p[2], p[3], sid))
        else:
            items.append(Item(p[0], p[1], None, None, sid))
    if not items:
        raise TrainerError(f"filelist {path} is empty: run preprocessing and feature extraction first")
    return items


def _wav_sr(path: str) -> int:
    try:
        import soundfile

        return int(soundfile.info(path).samplerate)
    except Exception:  # noqa: BLE001 - fall back to scipy's full read
        return int(wavfile.read(path, mmap=True)[0])


def check_items(items: Sequence[Item], sampling_rate: int, feature_dim: int, spk_embed_dim: int) -> None:
    """Fail early, with one clear line, on the problems that would otherwise crash mid-epoch."""
    for it in items:
        for what, p in (("audio", it.wav), ("feature", it.feature), ("coarse pitch", it.pitch), ("pitch (Hz)", it.pitchf)):
            if p is not None and not os.path.isfile(p):
                raise TrainerError(f"missing {what} file: {p}")
        if not 0 <= it.sid < spk_embed_dim:
            raise TrainerError(f"speaker id {it.sid} out of range 0..{spk_embed_dim - 1} ({it.wav})")
        try:
            feat = np.load(it.feature, mmap_mode="r")
        except Exception as e:  # noqa: BLE001
            raise TrainerError(f"unreadable feature file {it.feature}: {e}") from e
        if feat.ndim != 2 or feat.shape[1] != feature_dim:
            raise TrainerError(
                f"feature file {it.feature} has shape {tuple(feat.shape)}; this model needs [frames, {feature_dim}] "
                f"({'v2' if feature_dim == 768 else 'v1'} features)"
            )
        try:
            sr = _wav_sr(it.wav)
        except Exception as e:  # noqa: BLE001
            raise TrainerError(f"unreadable audio file {it.wav}: {e}") from e
        if sr != sampling_rate:
            raise TrainerError(f"{it.wav} is {sr} Hz but the config's sampling_rate is {sampling_rate} Hz")


def read_wav_float(path: str) -> tuple[int, np.ndarray]:
    sr, data = wavfile.read(path)
    if data.ndim > 1:
        data = data.mean(axis=1)
    if data.dtype == np.int16:  # upstream would not rescale (quirk §12.4); silence is identical either way
        data = data.astype(np.float32) / 32768.0
    elif data.dtype == np.int32:
        data = data.astype(np.float32) / 2147483648.0
    elif data.dtype == np.uint8:
        data = (data.astype(np.float32) - 128.0) / 128.0
    return sr, data.astype(np.float32, copy=False)


def _atomic_torch_save(obj, path: str) -> None:
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt", dir=d)
    os.close(fd)
    try:
        torch.save(obj, tmp, _use_new_zipfile_serialization=False)
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class TrainDataset(torch.utils.data.Dataset):
    def __init__(self, items: Sequence[Item], hp: dict, f0: bool, cache_spec: bool = True):
        self.items = list(items)
        self.f0 = f0
        d = hp["data"]
        self.sr = d["sampling_rate"]
        self.n_fft = d["filter_length"]
        self.hop = d["hop_length"]
        self.win = d["win_length"]
        self.cache_spec = cache_spec
        # length estimate used only for bucketing, as upstream: file bytes // (3 * hop)
        self.lengths = [os.path.getsize(it.wav) // (3 * self.hop) for it in self.items]

    def __len__(self):
        return len(self.items)

    def _spec(self, wav_path: str, audio: torch.Tensor) -> torch.Tensor:
        spec_path = wav_path[: -len(".wav")] + ".spec.pt" if wav_path.endswith(".wav") else wav_path + ".spec.pt"
        frames = audio.size(-1) // self.hop
        if self.cache_spec and os.path.exists(spec_path):
            try:
                spec = load_file(spec_path)
                if isinstance(spec, torch.Tensor) and spec.dim() == 2 and spec.shape == (self.n_fft // 2 + 1, frames):
                    return spec
            except Exception:  # noqa: BLE001 - rebuilt below
                pass
        spec = spectrogram(audio.unsqueeze(0), self.n_fft, self.hop, self.win).squeeze(0)
        if self.cache_spec:
            try:
                _atomic_torch_save(spec, spec_path)
            except OSError as e:
                log.warning("could not cache spectrogram %s: %s", spec_path, e)
        return spec

    def __getitem__(self, i):
        it = self.items[i]
        sr, audio_np = read_wav_float(it.wav)
        if sr != self.sr:
            raise TrainerError(f"{it.wav} is {sr} Hz but the config's sampling_rate is {self.sr} Hz")
        audio = torch.from_numpy(audio_np)
        spec = self._spec(it.wav, audio)
        phone = np.load(it.feature)
        phone = np.repeat(phone, 2, axis=0)[:MAX_FRAMES]
        n = min(phone.shape[0], spec.size(1))
        pitch = pitchf = None
        if self.f0:
            pitch = np.load(it.pitch)
            pitchf = np.load(it.pitchf)
            n = min(n, pitch.shape[0], pitchf.shape[0])
            pitch = torch.from_numpy(np.asarray(pitch[:n], dtype=np.int64))
            pitchf = torch.from_numpy(np.asarray(pitchf[:n], dtype=np.float32))
        phone = torch.from_numpy(np.asarray(phone[:n], dtype=np.float32))
        spec = spec[:, :n]
        audio = audio[: n * self.hop]
        if audio.numel() < n * self.hop:
            audio = torch.nn.functional.pad(audio, (0, n * self.hop - audio.numel()))
        return phone, pitch, pitchf, spec, audio.unsqueeze(0), it.sid


def collate(batch, f0: bool = True):
    """Sort by spectrogram length (descending) and zero-pad. Returns upstream's tuple order."""
    order = sorted(range(len(batch)), key=lambda i: batch[i][3].size(1), reverse=True)
    batch = [batch[i] for i in order]
    b = len(batch)
    max_t = max(x[0].size(0) for x in batch)
    max_spec = max(x[3].size(1) for x in batch)
    max_wav = max(x[4].size(1) for x in batch)
    dim = batch[0][0].size(1)
    n_freq = batch[0][3].size(0)
    phone = torch.zeros(b, max_t, dim)
    phone_lengths = torch.zeros(b, dtype=torch.long)
    pitch = torch.zeros(b, max_t, dtype=torch.long)
    pitchf = torch.zeros(b, max_t)
    spec = torch.zeros(b, n_freq, max_spec)
    spec_lengths = torch.zeros(b, dtype=torch.long)
    wave = torch.zeros(b, 1, max_wav)
    wave_lengths = torch.zeros(b, dtype=torch.long)
    sid = torch.zeros(b, dtype=torch.long)
    for i, (ph, pi, pf, sp, wv, s) in enumerate(batch):
        phone[i, : ph.size(0)] = ph
        phone_lengths[i] = ph.size(0)
        if f0:
            pitch[i, : pi.size(0)] = pi
            pitchf[i, : pf.size(0)] = pf
        spec[i, :, : sp.size(1)] = sp
        spec_lengths[i] = sp.size(1)
        wave[i, :, : wv.size(1)] = wv
        wave_lengths[i] = wv.size(1)
        sid[i] = s
    if f0:
        return phone, phone_lengths, pitch, pitchf, spec, spec_lengths, wave, wave_lengths, sid
    return phone, phone_lengths, spec, spec_lengths, wave, wave_lengths, sid


def ignore_signals_in_worker(_worker_id: int) -> None:
    """DataLoader workers leave SIGTERM/SIGINT to the main process, which stops cleanly and saves."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Collate:
    """Picklable collate for DataLoader workers."""

    def __init__(self, f0: bool):
        self.f0 = f0

    def __call__(self, batch):
        return collate(batch, self.f0)


class BucketBatchSampler(torch.utils.data.Sampler):
    """Length-bucketed batches (boundaries 100..900 in file-size units; outside items are dropped).

    Each bucket is padded to a multiple of batch_size × replicas with its own indices; the order within
    buckets and of the batches is random, seeded with the epoch number.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, boundaries: Sequence[int] = BUCKET_BOUNDARIES,
                 num_replicas: int = 1, rank: int = 0, shuffle: bool = True):
        self.lengths = list(lengths)
        self.batch_size = batch_size
        self.boundaries = list(boundaries)
        self.num_replicas = num_replicas
        self.rank = rank
        self.shuffle = shuffle
        self.epoch = 0
        buckets: List[List[int]] = [[] for _ in range(len(self.boundaries) - 1)]
        self.dropped = 0
        for idx, length in enumerate(self.lengths):
            b = self._bucket(length)
            if b < 0:
                self.dropped += 1
            else:
                buckets[b].append(idx)
        self.buckets = [b for b in buckets if b]
        total = batch_size * num_replicas
        self.num_batches = sum((len(b) + total - 1) // total for b in self.buckets)

    def _bucket(self, length: int) -> int:
        if length <= self.boundaries[0] or length > self.boundaries[-1]:
            return -1
        for i in range(len(self.boundaries) - 1):
            if self.boundaries[i] < length <= self.boundaries[i + 1]:
                return i
        return -1

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.num_batches

    def __iter__(self) -> Iterator[List[int]]:
        g = torch.Generator()
        g.manual_seed(self.epoch)
        total = self.batch_size * self.num_replicas
        batches: List[List[int]] = []
        for bucket in self.buckets:
            order = torch.randperm(len(bucket), generator=g).tolist() if self.shuffle else list(range(len(bucket)))
            ids = [bucket[j] for j in order]
            rem = (total - len(ids) % total) % total
            padded = ids + (ids * (rem // len(ids) + 1))[:rem]
            mine = padded[self.rank :: self.num_replicas]
            for k in range(0, len(mine), self.batch_size):
                batches.append(mine[k : k + self.batch_size])
        if self.shuffle:
            batches = [batches[j] for j in torch.randperm(len(batches), generator=g).tolist()]
        return iter(batches)
