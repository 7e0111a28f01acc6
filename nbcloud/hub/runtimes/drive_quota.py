"""The owner's Drive quota, kept while their Drive is mounted in a runtime (``drive.mount()``).

A kernel writes into the mounted Drive directly (see ``drive_mount``), past the hub's upload
checks. So while a Drive is mounted, :class:`QuotaGuard` watches its owner's usage (the Drive
store measures it on disk, the same number the Drive page shows) and, once it is over the
quota, makes that mount read-only inside the runtime's mount namespace: further writes fail
with EROFS, which the runtime's ``google.colab`` package shows as "Your Drive is full (X of
Y used): delete files in Drive to write again". Deleting through the Drive page or API brings
usage under the quota, and the guard makes the mount writable again.

What the guard cannot do: stop a write already under way. A file opened for writing before the
quota was crossed keeps its write access (Linux refuses to make a mount read-only while a
file on it is open for writing: EBUSY; the guard retries until it is closed). So a Drive can
end up over its quota by what the kernel wrote between two checks (``CHECK_SECONDS``) plus
the files still open for writing then; after that, every new write fails.

The state is written to ``ipc/drive-quota.json`` (``/run/nbcloud/drive-quota.json`` in the
sandbox) so the kernel can say how full the Drive is.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

CHECK_SECONDS = 0.25
STATE_FILE = "drive-quota.json"
SYS_MOUNT_SETATTR = 442

# Run in a fresh interpreter that joins the runtime's mount namespace (as drive_mount does):
# set or clear MOUNT_ATTR_RDONLY on the mount at the target (recursively, no symlink followed).
_RO_HELPER = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
class Attr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]
ns_fd, readonly, target = int(sys.argv[1]), sys.argv[2] == "1", os.fsencode(sys.argv[3])
if libc.setns(ns_fd, 0x00020000) != 0:
    os.write(2, b"setns: " + os.strerror(ctypes.get_errno()).encode()); os._exit(1)
attr = Attr(attr_set=1 if readonly else 0, attr_clr=0 if readonly else 1)
# AT_FDCWD, AT_SYMLINK_NOFOLLOW | AT_RECURSIVE
if libc.syscall(%d, -100, target, 0x100 | 0x8000, ctypes.byref(attr), ctypes.sizeof(attr)) != 0:
    err = ctypes.get_errno()
    os.write(2, os.strerror(err).encode()); os._exit(16 if err == 16 else 1)
os._exit(0)
""" % SYS_MOUNT_SETATTR  # noqa: UP031 (Python source: braces in it stay literal)


def set_readonly(ns_fd: int, target: str, readonly: bool) -> bool:
    """Flip the mount at ``target`` in the namespace; False while files on it are open for
    writing (EBUSY: try again later)."""
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", _RO_HELPER, str(ns_fd), "1" if readonly else "0", target],
                          pass_fds=(ns_fd,), capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    if proc.returncode == 16:
        return False
    if proc.returncode != 0:
        raise OSError(f"could not make the Drive at {target} {'read-only' if readonly else 'writable'}: "
                      f"{proc.stderr.strip() or proc.returncode}")
    return True


_running: set[asyncio.Task[None]] = set()


def human(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


class QuotaGuard:
    """Keeps one mounted Drive writable only while its owner is under quota.

    ``usage()`` returns (used bytes, quota bytes) and blocks (it walks the Drive): it runs in a
    thread. ``namespace()`` returns an open descriptor of the mount namespace the Drive lives
    in, or None once that runtime's kernel is gone (the guard then ends). ``active()`` says
    whether the mount is still the one this guard was made for."""

    def __init__(self, target: str, ipc_dir: Path, usage: Callable[[], tuple[int, int]],
                 namespace: Callable[[], int | None], active: Callable[[], bool]) -> None:
        self.target = target
        self.ipc_dir = ipc_dir
        self.usage = usage
        self.namespace = namespace
        self.active = active
        self.readonly = False
        self._written = ""
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.run())
        _running.add(self.task)  # the loop keeps only a weak reference to a task
        self.task.add_done_callback(_running.discard)

    async def run(self) -> None:
        try:
            while self.active():
                await asyncio.to_thread(self.check)
                await asyncio.sleep(CHECK_SECONDS)
        except Exception:
            log.exception("the Drive quota guard of %s stopped", self.target)

    def check(self) -> None:
        used, quota = self.usage()
        full = used > quota
        if full != self.readonly:
            ns_fd = self.namespace()
            if ns_fd is None:
                return
            try:
                if not set_readonly(ns_fd, self.target, full):
                    return  # a file is still open for writing: next time
            finally:
                os.close(ns_fd)
            self.readonly = full
            log.info("Drive at %s is %s (%d of %d bytes used)", self.target, "full: read-only" if full else "writable",
                     used, quota)
        self.write_state(used, quota)

    def write_state(self, used: int, quota: int) -> None:
        """What the kernel reads to explain a failed write (best effort). The ipc folder is the
        runtime's to write: a fresh name, no symlink followed, then a rename over the old."""
        state = json.dumps({"target": self.target, "full": self.readonly, "used_bytes": used, "quota_bytes": quota,
                            "used": human(used), "quota": human(quota)})
        if state == self._written:
            return
        name = f".{STATE_FILE}-{secrets.token_hex(6)}"
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.ipc_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                             dir_fd=dir_fd)
                with os.fdopen(fd, "w") as fh:
                    fh.write(state)
                os.replace(name, STATE_FILE, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
                self._written = state
            finally:
                os.close(dir_fd)
