"""What a previous hub run left behind, removed when the local backend starts.

A hub that was killed (or lost power) leaves its runtimes' folders in runtimes_dir, their
disks mounted (``disk``), and their cgroups below the runtimes' subtree (``limits``), maybe
with processes still in them. A new hub has no live runtime yet, so every runtime folder of
its runtimes_dir is an orphan.

cgroups are shared with other hubs of the same machine (they sit below the hub's own cgroup,
which other hub processes may share), so a cgroup is only emptied and removed when its
runtime's folder was ours, or when it is empty and old enough that no hub is still setting
it up.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import disk
from .limits import Limiter, RuntimeLimits

log = logging.getLogger(__name__)

# An empty cgroup younger than this may belong to a runtime another hub is starting now.
EMPTY_CGROUP_GRACE_SECONDS = 120.0


@dataclass
class Leftovers:
    runtimes: list[str] = field(default_factory=list)  # ids whose folders were removed
    cgroups: list[str] = field(default_factory=list)  # cgroup folders removed

    def __bool__(self) -> bool:
        return bool(self.runtimes or self.cgroups)


def subtree_bases(limiter: Limiter) -> list[Path]:
    """The folders below which the limiter makes one cgroup per runtime."""
    return list(limiter.subtree_bases())


def clean(runtimes_dir: Path, limiter: Limiter, live: frozenset[str] | set[str] = frozenset()) -> Leftovers:
    found = Leftovers(runtimes=disk.clean_orphans(runtimes_dir, set(live)))
    ours = set(found.runtimes)
    now = time.time()
    for base in subtree_bases(limiter):
        try:
            children = [c for c in base.iterdir() if c.is_dir()]
        except OSError:
            continue
        for group in children:
            if group.name in live:
                continue
            if group.name not in ours and (_populated(group) or now - _mtime(group) < EMPTY_CGROUP_GRACE_SECONDS):
                continue
            # Kill what is left (children of a dead hub's kernels), then remove the group.
            RuntimeLimits(limiter.mechanism, 0, 0, (group,)).remove()
            if not group.exists():
                found.cgroups.append(str(group))
    if found:
        log.info("removed leftovers of an earlier hub run: %d runtime folder(s), %d cgroup(s)",
                 len(found.runtimes), len(found.cgroups))
    return found


def _populated(group: Path) -> bool:
    try:
        return bool((group / "cgroup.procs").read_text().split())
    except OSError:
        return True  # cannot tell: leave it


def _mtime(group: Path) -> float:
    try:
        return group.stat().st_mtime
    except OSError:
        return time.time()
