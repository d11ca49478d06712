"""JSON-lines events on stdout (one object per line, flushed); human logs go to stderr."""

from __future__ import annotations

import json
import math
import sys
import threading

_lock = threading.Lock()


def _clean(v):
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


def emit(type_: str, **fields) -> None:
    obj = {"type": type_}
    obj.update(fields)
    line = json.dumps(_clean(obj), ensure_ascii=False, separators=(",", ":"))
    with _lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
