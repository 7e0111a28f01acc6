"""Atomic file writes: a reader sees the old bytes or the new, never a torn file.

Write to a temporary file in the same folder, fsync it, rename it over the target, then fsync
the folder so the rename itself survives a crash.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(target: Path, data: bytes | Iterable[bytes], mode: int = 0o644) -> int:
    """Replace ``target`` with ``data``; returns the number of bytes written."""
    folder = target.parent
    fd, tmp = tempfile.mkstemp(prefix=".nbcloud-", suffix=".tmp", dir=folder)
    written = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in [data] if isinstance(data, (bytes, bytearray, memoryview)) else data:
                fh.write(chunk)
                written += len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(folder)
    return written


def atomic_move(source: Path, target: Path) -> None:
    """Move a finished file (already fsynced) into place, durably."""
    os.replace(source, target)
    fsync_dir(target.parent)
    if source.parent != target.parent:
        fsync_dir(source.parent)
