"""A runtime's own disk: its folder (content, tmp, home, pip layer, ipc) on a file system of
``runtime_disk_bytes``, apart from the one that holds the database and the Drives.

Mechanisms, first that works wins (see :func:`detect_disks`):

* ``ext4-loop`` (the hub is root): a sparse image file ``runtimes_dir/<id>.disk`` formatted
  ext4 and loop-mounted on ``runtimes_dir/<id>``. Disk-backed like Colab's disk; the image
  only takes the host space that is written into it. No journal: it is scratch storage that
  is thrown away with the runtime. A few percent are reserved for root, so the hub can still
  write the runtime's connection files when the kernel (an unprivileged uid) has filled it.
* ``tmpfs`` (root, but no loop devices): a size-limited tmpfs on the same folder. It lives in
  memory (charged to whoever writes it), so it is the fallback.
* ``none``: the folder is a plain folder of runtimes_dir, without a limit; the backend says
  so in ``Isolation.reasons`` ("runtime disks are not limited: ...").

Filling the disk gives ENOSPC ("No space left on device") in that runtime alone. The mount is
on the host path, so the hub's Files panel (``runtimes.files``) reads the same files.

:func:`clean_orphans` removes what a previous hub run left behind (folders, their mounts and
images) when the hub starts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

log = logging.getLogger(__name__)

IMAGE_SUFFIX = ".disk"
RESERVED_PERCENT = "2"  # blocks only root (the hub) may fill
MIN_BYTES = 8 * 1024 * 1024  # below this ext4 has no room for its own metadata


class DiskError(Exception):
    """A runtime's disk could not be made or mounted; the message says what to do."""


class DiskLimiter:
    """Makes runtime disks of one size; one per backend."""

    def __init__(self, mechanism: str, size_bytes: int, reasons: tuple[str, ...] = ()) -> None:
        self.mechanism = mechanism
        self.size_bytes = size_bytes
        self.reasons = reasons

    @property
    def limited(self) -> bool:
        return self.mechanism != "none"

    def provision(self, root: Path) -> None:
        """Create ``root`` and mount a fresh disk of ``size_bytes`` on it (blocking).
        :func:`discard` undoes it."""
        root.mkdir(parents=True, exist_ok=True)
        if self.mechanism == "ext4-loop":
            image = image_of(root)
            try:
                _make_ext4(image, self.size_bytes)
                _run(["mount", "-t", "ext4", "-o", "loop,nosuid,nodev,noatime", str(image), str(root)])
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    image.unlink()
                raise
        elif self.mechanism == "tmpfs":
            _run(["mount", "-t", "tmpfs", "-o", f"size={self.size_bytes},mode=0700,nosuid,nodev", "tmpfs", str(root)])


def image_of(root: Path) -> Path:
    """Where the image of the disk mounted on ``root`` lives: beside it, not inside."""
    return root.with_name(root.name + IMAGE_SUFFIX)


def discard(root: Path) -> None:
    """Throw a runtime's folder away: unmount its disk (lazily if something still holds it),
    delete the image and whatever is left of the folder. Safe on a folder without a disk."""
    unmount(root)
    with contextlib.suppress(FileNotFoundError):
        image_of(root).unlink()
    shutil.rmtree(root, ignore_errors=True)


def _make_ext4(image: Path, size_bytes: int) -> None:
    fd = os.open(image, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.ftruncate(fd, size_bytes)  # sparse: takes host space only as it is written
    finally:
        os.close(fd)
    _run(["mkfs.ext4", "-q", "-F", "-m", RESERVED_PERCENT, "-O", "^has_journal",
          "-E", "lazy_itable_init=1,nodiscard", str(image)])


def _run(argv: list[str]) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise DiskError(f"{argv[0]} not found: install e2fsprogs and util-linux (mount)") from exc
    except subprocess.TimeoutExpired as exc:
        raise DiskError(f"{argv[0]} took more than 60 s") from exc
    if proc.returncode != 0:
        detail = (proc.stderr.strip() or proc.stdout.strip() or f"exit status {proc.returncode}").splitlines()[-1]
        raise DiskError(f"{argv[0]}: {detail}")


def detect_disks(size_bytes: int, probe_dir: Path) -> DiskLimiter:
    """The strongest mechanism that works here, tried once on ``probe_dir`` (then removed)."""
    reasons: list[str] = []
    if os.geteuid() != 0:
        reasons.append("the hub is not root, so it cannot mount a disk per runtime")
    elif size_bytes < MIN_BYTES:
        reasons.append(f"runtime_disk_bytes is {size_bytes}; it must be at least {MIN_BYTES} (8 MiB)")
    else:
        for mechanism in ("ext4-loop", "tmpfs"):
            candidate = DiskLimiter(mechanism, MIN_BYTES)
            try:
                candidate.provision(probe_dir)
            except (DiskError, OSError) as exc:
                reasons.append(f"{mechanism}: {exc}")
                continue
            finally:
                discard(probe_dir)
            if reasons:
                log.info("runtime disks: %s (%s)", mechanism, "; ".join(reasons))
            return DiskLimiter(mechanism, size_bytes, tuple(reasons))
    why = "; ".join(reasons)
    log.warning("runtime disks are not limited: %s", why)
    return DiskLimiter("none", size_bytes, (f"runtime disks are not limited: {why}",))


# -- mounts -------------------------------------------------------------------------------


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes.
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1:i + 4].isdigit() and i + 4 <= len(field):
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def mounts_at_or_below(path: Path) -> list[Path]:
    """Mount points of this mount namespace at ``path`` or below it, deepest first."""
    base = str(path)
    found: list[Path] = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        fields = line.split(" ")
        if len(fields) < 5:
            continue
        point = _unescape(fields[4])
        if point == base or point.startswith(base.rstrip("/") + "/"):
            found.append(Path(point))
    return sorted(set(found), key=lambda p: len(p.parts), reverse=True)


def unmount(path: Path) -> None:
    """Unmount everything at or below ``path``; lazily when busy (a process still there)."""
    for point in mounts_at_or_below(path):
        for _ in range(2):  # a disk can be mounted twice on the same point
            if subprocess.run(["umount", str(point)], capture_output=True).returncode == 0:
                continue
            if subprocess.run(["umount", "-l", str(point)], capture_output=True).returncode != 0:
                break
    # A loop device made by `mount -o loop` is freed on the last unmount (autoclear).


# -- start-up clean-up ----------------------------------------------------------------------


def clean_orphans(runtimes_dir: Path, live: set[str]) -> list[str]:
    """Remove runtime folders (with their mounts and images) of ``runtimes_dir`` whose id is
    not in ``live``: what a previous hub run left behind. Returns the ids removed."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(runtimes_dir))
    except FileNotFoundError:
        return removed
    for entry in entries:
        name = entry.name
        runtime_id = name[: -len(IMAGE_SUFFIX)] if name.endswith(IMAGE_SUFFIX) else name
        if runtime_id in live or name.startswith(".probe-") and _young(entry):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                discard(path)
            else:
                path.unlink()
        except OSError as exc:
            log.warning("could not remove the leftover %s: %s", path, exc)
            continue
        if runtime_id not in removed:
            removed.append(runtime_id)
    return removed


def _young(entry: os.DirEntry[str]) -> bool:
    """A probe folder another backend of this hub is using right now."""
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime < 60
    except OSError:
        return False
