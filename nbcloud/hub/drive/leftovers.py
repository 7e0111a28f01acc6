"""Temporary files of atomic writes (``safefs.atomic_write``: ``.nbcloud-*.tmp`` in the target's
folder) that a hub killed mid-write left in Drive folders, removed when the hub starts.

Only old ones: a Drive on a shared volume may be written by another hub right now, and an
atomic write takes seconds, not minutes.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from nbcloud.hub.safefs import TEMP_PREFIX, TEMP_SUFFIX

log = logging.getLogger(__name__)

STALE_SECONDS = 600.0


def remove_stale_temp_files(drive_dir: Path, older_than: float = STALE_SECONDS) -> int:
    """Remove atomic-write temp files older than ``older_than`` seconds below ``drive_dir``
    (links are never followed). Returns how many were removed."""
    removed = 0
    cutoff = time.time() - older_than
    for folder, _dirnames, filenames in os.walk(drive_dir, followlinks=False):
        for name in filenames:
            if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
                if st.st_mtime < cutoff and not os.path.islink(path):
                    os.unlink(path)
                    removed += 1
            except OSError as exc:
                log.warning("could not remove the leftover %s: %s", path, exc)
    if removed:
        log.info("removed %d temporary file(s) of interrupted Drive writes", removed)
    return removed
