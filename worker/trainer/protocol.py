"""JSON-lines events on stdout (one object per line, flushed); human logs go to stderr."""

from __future__ import annotations

import json
import math
import sys
import threading

_lock = threading.Lock()
_enabled = True


def set_emit_enabled(flag: bool) -> None:
    """DDP: only rank 0 speaks the protocol (errors are always printed)."""
    global _enabled
    _enabled = flag


def _clean(v):
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


def emit(type_: str, force: bool = False, **fields) -> None:
    if not (_enabled or force):
        return
    obj = {"type": type_}
    obj.update(fields)
    line = json.dumps(_clean(obj), ensure_ascii=False, separators=(",", ":"))
    with _lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
