"""The only way the server reads a PyTorch file: our own reader of torch's two file formats, whose unpickler
resolves an allowlist of globals.

A ``.pth``/``.pt`` is a pickle, and a pickle names Python callables that the loader calls (``__reduce__``), so a
file from a user can run any code as the server's user unless every global it names is checked. We do not call
``torch.load`` at all: torch 1.13's ``weights_only`` cannot read floats, and Debian's torch 1.13 build ignores a
``pickle_module`` argument unless ``weights_only`` is set (it always uses the full unpickler), so a restriction
passed through ``torch.load`` would silently not apply. Instead this module reads the containers itself (the zip
format of torch >= 1.6 and the legacy pickle sequence), builds tensors from the raw storage bytes, and unpickles
with ``find_class`` returning an object only for (module, name) pairs listed here; anything else raises
:class:`RefusedGlobal` before it is imported. There is no fallback to the full unpickler, ever.

Policies:
- ``weights`` (everything the trainer reads: small models, G/D checkpoints, pretrained weights, cached spectrograms):
  tensors and their storages, ``OrderedDict``, torch dtypes/devices/sizes, sets, numpy scalars and arrays.
- ``asset`` (fairseq/HuBERT checkpoints converted by ``npm run assets``): the above, plus every class of
  ``fairseq.*``/``omegaconf.*``, ``argparse.Namespace`` and ``typing.Any`` replaced by an inert stand-in that only
  stores what the pickle gives it (such files keep their training config as objects of those classes).

Also refused: TorchScript archives, the legacy tar format, compressed zip records (torch never writes them), big-
endian files, storages whose bytes are missing, and tensors that claim more elements than their storage holds.
"""

from __future__ import annotations

import _compat_pickle
import builtins
import codecs
import collections
import pickle
import struct
import zipfile
from typing import Any, Callable, Dict, Tuple

import torch


class RefusedGlobal(pickle.UnpicklingError):
    """The file names a Python global outside the allowlist; nothing it names was imported or called."""

    def __init__(self, module: str, name: str):
        self.global_name = f"{module}.{name}"
        super().__init__(f"refused to load: the file names the Python global {self.global_name}, which a model file never needs")


class UnsafeFile(pickle.UnpicklingError):
    """The file's container is one we do not read (tar, compressed records, oversized tensor views)."""


# ---------------------------------------------------------------- what a pickle may name
class _StorageType:
    """What ``torch.FloatStorage`` & co. resolve to: only the dtype, read by ``persistent_load``; not callable."""

    def __init__(self, dtype: torch.dtype):
        self.dtype = dtype


_STORAGE_DTYPES = {
    "DoubleStorage": torch.float64, "FloatStorage": torch.float32, "HalfStorage": torch.float16,
    "BFloat16Storage": torch.bfloat16, "LongStorage": torch.int64, "IntStorage": torch.int32,
    "ShortStorage": torch.int16, "CharStorage": torch.int8, "ByteStorage": torch.uint8, "BoolStorage": torch.bool,
    "ComplexFloatStorage": torch.complex64, "ComplexDoubleStorage": torch.complex128,
}


def _as_view(storage: torch.Tensor, offset: int, size, stride) -> torch.Tensor:
    """A tensor over a flat storage tensor; it may not claim more elements than the storage has (a stride-0 view of
    10^12 elements costs nothing to load, then everything to ``.float()``)."""
    if not isinstance(storage, torch.Tensor) or storage.dim() != 1:
        raise UnsafeFile("a tensor's storage is not a storage")
    if not all(type(n) is int and n >= 0 for n in (offset, *size, *stride)) or len(size) != len(stride):
        raise UnsafeFile("a tensor has a negative or non-integer size, stride or offset")
    numel = 1
    for n in size:
        numel *= n
    if numel > storage.numel() - offset:
        raise UnsafeFile(f"a tensor of {numel} elements points into a storage of {storage.numel()}")
    try:
        return storage.as_strided(tuple(size), tuple(stride), offset)
    except RuntimeError as e:
        raise UnsafeFile(f"a tensor does not fit its storage ({e})") from None


def _no_hooks(hooks) -> None:
    if hooks:
        raise UnsafeFile("a tensor carries backward hooks; model files never do")


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _as_view(storage, storage_offset, size, stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    _no_hooks(backward_hooks)
    t = _as_view(storage, storage_offset, size, stride)
    if requires_grad and t.is_floating_point():
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    _no_hooks(backward_hooks)
    if not isinstance(data, torch.Tensor):
        raise UnsafeFile("a parameter without a tensor")
    return torch.nn.Parameter(data, requires_grad and data.is_floating_point())


def _weights_globals() -> Dict[Tuple[str, str], Any]:
    allowed: Dict[Tuple[str, str], Any] = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
        ("torch", "Size"): torch.Size,
        ("torch", "device"): torch.device,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("_codecs", "encode"): codecs.encode,  # how protocol 2 pickles bytes
    }
    for name, dtype in _STORAGE_DTYPES.items():
        allowed[("torch", name)] = _StorageType(dtype)
    for name in dir(torch):
        if isinstance(getattr(torch, name, None), torch.dtype):
            allowed[("torch", name)] = getattr(torch, name)
    try:  # numpy scalars/arrays (some tools store epoch counters or losses as numpy values)
        import numpy as np

        multiarray = np.core.multiarray if hasattr(np, "core") else np._core.multiarray
        for mod in ("numpy.core.multiarray", "numpy._core.multiarray"):
            allowed[(mod, "scalar")] = multiarray.scalar
            allowed[(mod, "_reconstruct")] = multiarray._reconstruct
        allowed[("numpy", "dtype")] = np.dtype
        allowed[("numpy", "ndarray")] = np.ndarray
    except ImportError:
        pass
    return allowed


class _Inert:
    """Stands in for a config class of fairseq/omegaconf: keeps the state the pickle gives it, runs nothing."""

    def __init__(self, *args, **kwargs):
        self._args = args
        self.__dict__.update(kwargs)

    def __setstate__(self, state):
        if isinstance(state, dict):
            self.__dict__.update(state)
        elif isinstance(state, tuple) and len(state) == 2 and isinstance(state[0], dict):
            self.__dict__.update(state[0])
        else:
            self._state = state

    def __call__(self, *args, **kwargs):
        return _Inert(*args, **kwargs)

    def get(self, key, default=None):
        return self.__dict__.get(key, default)


_INERT_PREFIXES = ("fairseq.", "omegaconf.")
_ASSET_EXTRA = {
    ("argparse", "Namespace"),
    ("typing", "Any"),
}
_ASSET_BUILTINS: Dict[Tuple[str, str], Any] = {
    ("builtins", n): getattr(builtins, n) for n in ("dict", "list", "tuple", "int", "float", "str", "bool", "bytes")
}
_ASSET_BUILTINS[("collections", "defaultdict")] = collections.defaultdict

_inert_classes: Dict[str, type] = {}


def _inert_class(module: str, name: str) -> type:
    key = f"{module}.{name}"
    if key not in _inert_classes:
        _inert_classes[key] = type(name, (_Inert,), {"__module__": f"inert.{module}"})
    return _inert_classes[key]




POLICIES = ("weights", "asset")


def _allowed(policy: str) -> Dict[Tuple[str, str], Any]:
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    allowed = _weights_globals()
    if policy == "asset":
        allowed.update(_ASSET_BUILTINS)
    return allowed


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, policy: str, storage: Callable[[tuple], torch.Tensor] | None = None):
        super().__init__(file, encoding="utf-8")
        self._policy = policy
        self._globals = _allowed(policy)
        self._storage = storage

    def find_class(self, module: str, name: str):  # pickle's hook for every global the data names
        # protocol 2 (torch.save's) writes Python 2 names (__builtin__, commands...); map them as pickle does
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        found = self._globals.get((module, name))
        if found is not None:
            return found
        if self._policy == "asset" and ((module, name) in _ASSET_EXTRA or module.startswith(_INERT_PREFIXES)):
            return _inert_class(module, name)
        raise RefusedGlobal(module, name)

    def persistent_load(self, pid):
        if self._storage is None or not isinstance(pid, tuple) or not pid:
            raise UnsafeFile("unexpected persistent reference in the file")
        kind = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
        if kind != "storage":
            raise UnsafeFile(f"the file holds a pickled {kind!r}, not just tensors")
        return self._storage(pid)


def _storage_spec(pid: tuple) -> Tuple[torch.dtype, str, int]:
    if len(pid) < 5 or not isinstance(pid[1], _StorageType) or type(pid[4]) is not int or pid[4] < 0:
        raise UnsafeFile("a malformed storage reference")
    key = pid[2].decode("ascii") if isinstance(pid[2], bytes) else str(pid[2])
    return pid[1].dtype, key, pid[4]


def _element_size(dtype: torch.dtype) -> int:
    return torch.empty(0, dtype=dtype).element_size()


def _from_bytes(raw: bytes, dtype: torch.dtype, numel: int) -> torch.Tensor:
    size = numel * _element_size(dtype)
    if len(raw) < size:
        raise UnsafeFile(f"a storage of {numel} elements has only {len(raw)} bytes")
    if numel == 0:
        return torch.empty(0, dtype=dtype)
    return torch.frombuffer(bytearray(raw[:size]), dtype=dtype)


# ---------------------------------------------------------------- the two containers
def _load_zip(path: str, policy: str):
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        for info in infos:
            if info.compress_type != zipfile.ZIP_STORED:
                raise UnsafeFile(f"{info.filename} is compressed; PyTorch files store their records uncompressed")
        names = [i.filename for i in infos]
        pickles = [n for n in names if n == "data.pkl" or n.endswith("/data.pkl")]
        if any(n.endswith("constants.pkl") or "/code/" in n for n in names):
            raise UnsafeFile("a TorchScript archive, not a file of weights")
        if len(pickles) != 1:
            raise UnsafeFile("not a PyTorch file (no single data.pkl record)")
        prefix = pickles[0][: -len("data.pkl")]
        if f"{prefix}byteorder" in names and z.read(f"{prefix}byteorder").strip() not in (b"little", b""):
            raise UnsafeFile("a big-endian file")
        storages: Dict[str, torch.Tensor] = {}

        def storage(pid: tuple) -> torch.Tensor:
            dtype, key, numel = _storage_spec(pid)
            if key not in storages:
                record = f"{prefix}data/{key}"
                if record not in names:
                    raise UnsafeFile(f"storage {key} is missing from the file")
                storages[key] = _from_bytes(z.read(record), dtype, numel)
            if storages[key].dtype != dtype:
                raise UnsafeFile(f"storage {key} is read with two dtypes")
            return storages[key]

        with z.open(pickles[0]) as f:
            return _Unpickler(f, policy, storage).load()


_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001


def _load_legacy(path: str, policy: str):
    """torch < 1.6 / ``_use_new_zipfile_serialization=False``: magic, protocol, sys info, the object, the list of
    storage keys, then per key an int64 element count and the raw bytes."""
    import os

    file_size = os.path.getsize(path)
    with open(path, "rb") as f:
        if _Unpickler(f, policy).load() != _LEGACY_MAGIC or _Unpickler(f, policy).load() != _LEGACY_PROTOCOL:
            raise UnsafeFile("not a PyTorch file (bad magic number)")
        info = _Unpickler(f, policy).load()
        if isinstance(info, dict) and info.get("little_endian") is False:
            raise UnsafeFile("a big-endian file")
        roots: Dict[str, torch.Tensor] = {}

        def storage(pid: tuple) -> torch.Tensor:
            dtype, key, numel = _storage_spec(pid)
            if key not in roots:
                if numel * _element_size(dtype) > file_size:
                    raise UnsafeFile(f"storage {key} claims more bytes than the file has")
                roots[key] = torch.empty(numel, dtype=dtype)  # filled below, after the object is built
            root = roots[key]
            view = pid[5] if len(pid) > 5 else None
            if view is not None:
                _, offset, size = view
                if type(offset) is not int or type(size) is not int or offset < 0 or offset + size > root.numel():
                    raise UnsafeFile("a storage view outside its storage")
                return root[offset: offset + size]
            return root

        result = _Unpickler(f, policy, storage).load()
        keys = _Unpickler(f, policy).load()
        if not isinstance(keys, list) or set(map(str, keys)) != set(roots):
            raise UnsafeFile("the storage list does not match the object")
        for key in keys:
            root = roots[str(key)]
            head = f.read(8)
            if len(head) != 8:
                raise UnsafeFile(f"storage {key} is missing from the file")
            (count,) = struct.unpack("<q", head)
            if count != root.numel():
                raise UnsafeFile(f"storage {key} has {count} elements on disk, {root.numel()} in the object")
            root.copy_(_from_bytes(f.read(count * root.element_size()), root.dtype, count))
        return result


def safe_load(path: str, policy: str = "weights"):
    """Load a PyTorch file onto the CPU through the restricted unpickler; raise RefusedGlobal/UnsafeFile."""
    if zipfile.is_zipfile(path):
        return _load_zip(path, policy)
    with open(path, "rb") as f:
        head = f.read(512)
    if len(head) > 262 and head[257:262] == b"ustar":
        raise UnsafeFile("the legacy tar format of PyTorch 0.x is not read")
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return _load_legacy(path, policy)
    raise UnsafeFile("not a PyTorch file (neither the zip format nor the legacy pickle format)")
