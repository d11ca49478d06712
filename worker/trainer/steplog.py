"""Every training step's losses in one compact append-only file: ``EXP/logs/steps.bin`` (issue 15).

Layout (little-endian), read by the web's ``lib/training-history.ts``:

* header: the 8 bytes ``VSSTEP01``, a uint32 ``L``, then ``L`` bytes of UTF-8 JSON ``{"fields": [...]}`` (the loss
  names, padded with spaces so that records start at a multiple of 4 bytes);
* records: uint32 global step, uint32 epoch, then one float32 per field (NaN: that loss was missing at that step).

40 bytes a step with the eight values ``StepRunner`` returns: 100,000 steps are 4 MB. Steps only grow within the
file: when training resumes from a checkpoint at step S, records after S (trained after that checkpoint, then
lost) are cut off first, so the file never holds a step twice; "N more epochs" resumes from the last checkpoint and
so keeps the whole history. A fresh start (no checkpoint) begins at step 0 and empties it.
"""

from __future__ import annotations

import json
import logging
import math
import os
import struct
from typing import Dict, List, Optional, Sequence

MAGIC = b"VSSTEP01"
MAX_HEADER = 4096
STEP_FILE = os.path.join("logs", "steps.bin")

log = logging.getLogger("trainer")


def _header(fields: Sequence[str]) -> bytes:
    body = json.dumps({"fields": list(fields)}, separators=(",", ":")).encode("utf-8")
    pad = (-(len(MAGIC) + 4 + len(body))) % 4
    body += b" " * pad
    return MAGIC + struct.pack("<I", len(body)) + body


def read_header(f) -> Optional[tuple]:
    """(fields, header size) of an open step file, or None when it is not one."""
    f.seek(0)
    head = f.read(len(MAGIC) + 4)
    if len(head) < len(MAGIC) + 4 or head[: len(MAGIC)] != MAGIC:
        return None
    (n,) = struct.unpack("<I", head[len(MAGIC):])
    if n > MAX_HEADER:
        return None
    try:
        fields = json.loads(f.read(n).decode("utf-8"))["fields"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(fields, list) or not all(isinstance(x, str) for x in fields):
        return None
    return fields, len(MAGIC) + 4 + n


def read_records(path: str) -> tuple:
    """(fields, [(step, epoch, {field: value})]) of a step file: for tests and tools."""
    with open(path, "rb") as f:
        hdr = read_header(f)
        if hdr is None:
            raise ValueError(f"{path} is not a step file")
        fields, size = hdr
        f.seek(size)
        data = f.read()
    rec = 8 + 4 * len(fields)
    fmt = "<II" + "f" * len(fields)
    out = []
    for off in range(0, len(data) - rec + 1, rec):
        vals = struct.unpack_from(fmt, data, off)
        out.append((vals[0], vals[1], dict(zip(fields, vals[2:]))))
    return fields, out


class StepLog:
    """Appends one record per step; ``open`` first drops whatever lies after the step training resumes at."""

    def __init__(self, path: str, fields: Optional[List[str]], f):
        self.path = path
        self.fields = fields
        self._f = f
        self._fmt: Optional[struct.Struct] = struct.Struct("<II" + "f" * len(fields)) if fields else None

    @classmethod
    def open(cls, exp_dir: str, resume_step: int) -> "StepLog":
        path = os.path.join(exp_dir, STEP_FILE)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fields = None
        if os.path.exists(path):
            f = open(path, "r+b")
            hdr = read_header(f)
            if hdr is None or resume_step <= 0:
                if hdr is None:
                    log.warning("%s is not a step file; starting it again", path)
                f.truncate(0)
            else:
                fields, size = hdr
                rec = 8 + 4 * len(fields)
                total = os.fstat(f.fileno()).st_size
                count = max(0, (total - size) // rec)  # a half-written last record is dropped too
                keep = cls._count_through(f, size, rec, count, resume_step)
                if keep < count:
                    log.info("step history: dropped %d steps after step %d (not in the checkpoint resumed from)",
                             count - keep, resume_step)
                f.truncate(size + keep * rec)
                if keep == 0:
                    f.truncate(0)
                    fields = None
            f.close()
        f = open(path, "ab")
        return cls(path, fields, f)

    @staticmethod
    def _count_through(f, size: int, rec: int, count: int, step: int) -> int:
        """How many leading records have a step ≤ ``step`` (steps grow along the file: binary search)."""
        lo, hi = 0, count
        while lo < hi:
            mid = (lo + hi) // 2
            f.seek(size + mid * rec)
            (s,) = struct.unpack("<I", f.read(4))
            if s <= step:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def append(self, step: int, epoch: int, losses: Dict[str, float]) -> None:
        if self._fmt is None:
            self.fields = list(losses)
            self._fmt = struct.Struct("<II" + "f" * len(self.fields))
            if self._f.tell() == 0:
                self._f.write(_header(self.fields))
        vals = []
        for k in self.fields:
            v = losses.get(k)
            vals.append(float(v) if v is not None and math.isfinite(float(v)) else math.nan)
        self._f.write(self._fmt.pack(step, epoch, *vals))

    def flush(self) -> None:
        self._f.flush()

    def close(self) -> None:
        try:
            self._f.close()
        except OSError:
            pass
