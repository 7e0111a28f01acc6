"""The person's Drive inside the runtime, after they consent: ``drive.mount('/content/drive')``.

How it works (nothing is mounted in the sandbox, which cannot gain mounts after start):

1. ``mount`` sends the request ``drive_mount`` (``{"mountpoint", "readonly"}``). The hub asks the
   page for consent; without it the reply is an error and nothing of the Drive is reachable.
2. With consent the hub prepares the user's MyDrive as a detached mount (see
   ``nbcloud.hub.runtimes.drive_mount``), listens on a fresh unix socket in this runtime's
   ipc folder and answers ``{"socket": path}``.
3. This module connects and receives the mount's file descriptor (SCM_RIGHTS), keeps it open
   in the kernel, and makes ``<mountpoint>/MyDrive`` a symlink to ``/proc/<kernel pid>/fd/<n>``,
   which every process of the runtime (``!ls`` too) can walk into.

The Drive lasts as long as the kernel: a restart closes the descriptor (run mount again).
"""

from __future__ import annotations

import array
import os
import socket

from google.colab import _message

_mounted: dict[str, int] = {}  # mountpoint -> descriptor of the Drive
_RECEIVE_TIMEOUT = 30.0


def _link(mountpoint: str) -> str:
    return os.path.join(mountpoint, "MyDrive")


def _is_mounted(mountpoint: str) -> bool:
    fd = _mounted.get(mountpoint)
    return fd is not None and os.path.islink(_link(mountpoint)) and os.path.exists(f"/proc/self/fd/{fd}")


def _receive_fd(path: str) -> int:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(_RECEIVE_TIMEOUT)
        sock.connect(path)
        fds = array.array("i")
        _data, ancdata, _flags, _addr = sock.recvmsg(16, socket.CMSG_SPACE(fds.itemsize), socket.MSG_CMSG_CLOEXEC)
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    if not fds:
        raise _message.MessageError("the hub sent no Drive; run drive.mount again")
    return fds[0]


def mount(mountpoint: str, force_remount: bool = False, timeout_ms: int = 120000, readonly: bool = False) -> None:
    """Make your Drive appear at ``<mountpoint>/MyDrive`` (asks you for consent in the page)."""
    mountpoint = os.path.abspath(os.path.expanduser(mountpoint))
    if " " in mountpoint:
        raise ValueError("Mountpoint must not contain a space.")
    if _is_mounted(mountpoint):
        if not force_remount:
            print(f"Drive already mounted at {mountpoint}; to attempt to forcibly remount, "
                  f'call drive.mount("{mountpoint}", force_remount=True).')
            return
        _unmount(mountpoint)
    if os.path.islink(_link(mountpoint)):
        os.unlink(_link(mountpoint))  # left over from a kernel that was restarted
    if os.path.isdir(mountpoint) and os.listdir(mountpoint):
        raise ValueError("Mountpoint must not already contain files")
    if os.path.exists(mountpoint) and not os.path.isdir(mountpoint):
        raise ValueError("Mountpoint must either be a directory or not exist")
    reply = _message.blocking_request("drive_mount", {"mountpoint": mountpoint, "readonly": bool(readonly)},
                                      timeout_sec=None) or {}
    if "socket" not in reply:
        raise _message.MessageError("the hub did not offer the Drive; run drive.mount again")
    fd = _receive_fd(reply["socket"])
    os.makedirs(mountpoint, exist_ok=True)
    os.symlink(f"/proc/{os.getpid()}/fd/{fd}", _link(mountpoint))
    _mounted[mountpoint] = fd
    print(f"Mounted at {mountpoint}")


def _unmount(mountpoint: str) -> None:
    fd = _mounted.pop(mountpoint, None)
    if os.path.islink(_link(mountpoint)):
        os.unlink(_link(mountpoint))
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass


def flush_and_unmount(timeout_ms: int = 24 * 60 * 60 * 1000) -> None:
    """Write everything to the Drive and take it away from this runtime."""
    os.sync()  # writes land in the Drive's files directly; this makes them durable
    if not _mounted:
        print("Drive not mounted, so nothing to flush and unmount.")
        return
    for mountpoint in list(_mounted):
        _unmount(mountpoint)
    print("All changes made in this colab session should now be visible in Drive.")
