"""FAISS retrieval index (rvc-formats.md §8): IVF-Flat, upstream's n_ivf rule and file names."""

from __future__ import annotations

import logging
import math
import os
import tempfile

import numpy as np

from .commons import publish
from .errors import TrainerError

log = logging.getLogger("trainer.index")

REDUCE_ABOVE = 200_000
REDUCE_TO = 10_000
ADD_BATCH = 8192


def n_ivf_for(n: int) -> int:
    """min(int(16·sqrt(N)), N // 39), clamped to ≥ 1 (as RVC-main) so small sets still index."""
    return max(1, min(int(16 * math.sqrt(n)), n // 39))


def collect_features(feature_dir: str) -> np.ndarray:
    if not os.path.isdir(feature_dir):
        raise TrainerError(f"feature directory not found: {feature_dir}")
    names = sorted(n for n in os.listdir(feature_dir) if n.endswith(".npy"))
    if not names:
        raise TrainerError(f"no .npy feature files in {feature_dir}")
    arrays = [np.load(os.path.join(feature_dir, n)) for n in names]
    dims = {a.shape[1] if a.ndim == 2 else None for a in arrays}
    if len(dims) != 1 or None in dims:
        raise TrainerError(f"feature files in {feature_dir} do not share one [frames, dim] shape")
    return np.concatenate(arrays, 0).astype(np.float32)


def _write_index(faiss, index, path: str) -> None:
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".idx.", suffix=".tmp", dir=d)
    os.close(fd)
    try:
        faiss.write_index(index, tmp)
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_index(exp_dir: str, out_dir: str, name: str, version: str = "v2", seed: int | None = 1234,
                n_threads: int | None = None) -> dict:
    """Writes total_fea.npy and trained_*.index into exp_dir and added_*.index into out_dir."""
    try:
        import faiss
    except ImportError as e:
        raise TrainerError("faiss is not installed (Debian: python3-faiss; pip: faiss-cpu)") from e
    if n_threads:
        faiss.omp_set_num_threads(n_threads)
    feature_dir = os.path.join(exp_dir, "3_feature768" if version == "v2" else "3_feature256")
    big = collect_features(feature_dir)
    dim = big.shape[1]
    rng = np.random.default_rng(seed)
    rng.shuffle(big)
    reduced = False
    if big.shape[0] > REDUCE_ABOVE:
        # upstream uses sklearn's MiniBatchKMeans(10000); faiss k-means gives the same kind of reduction
        log.info("reducing %d feature rows to %d k-means centres", big.shape[0], REDUCE_TO)
        try:
            km = faiss.Kmeans(dim, REDUCE_TO, niter=20, seed=seed or 1234, verbose=False)
            km.train(big)
            big = km.centroids.astype(np.float32)
            reduced = True
        except Exception as e:  # noqa: BLE001 - upstream keeps the full set when k-means fails
            log.warning("k-means reduction failed, indexing all rows: %s", e)
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(exp_dir, "total_fea.npy"), big)
    n = big.shape[0]
    n_ivf = n_ivf_for(n)
    index = faiss.index_factory(dim, f"IVF{n_ivf},Flat")
    ivf = faiss.extract_index_ivf(index)
    ivf.nprobe = 1
    index.train(big)
    tag = f"IVF{n_ivf}_Flat_nprobe_{ivf.nprobe}_{name}_{version}"
    trained_path = os.path.join(exp_dir, f"trained_{tag}.index")
    _write_index(faiss, index, trained_path)
    for i in range(0, n, ADD_BATCH):
        index.add(big[i : i + ADD_BATCH])
    added_path = os.path.join(out_dir, f"added_{tag}.index")
    _write_index(faiss, index, added_path)
    return {"path": added_path, "trained_path": trained_path, "nlist": n_ivf, "ntotal": int(index.ntotal),
            "dim": dim, "reduced": reduced}
