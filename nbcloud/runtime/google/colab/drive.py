"""The person's Drive inside the runtime, after they consent: ``drive.mount('/content/drive')``.

How it works (see ``nbcloud.hub.runtimes.drive_mount`` for the hub's side):

1. ``mount`` sends the request ``drive_mount`` (``{"mountpoint", "readonly"}``). The hub asks the
   page for consent; without it the reply is an error and nothing of the Drive is reachable.
2. With consent the hub prepares the user's MyDrive as a detached mount, listens on a fresh
   unix socket in this runtime's ipc folder and answers ``{"socket": path}``.
3. This module makes the empty folder ``<mountpoint>/MyDrive``, connects and sends its path.
   The hub mounts the Drive there, inside this sandbox only (answer ``m``), so it is an ordinary
   folder of the runtime (``%cd`` into it works). Where the hub cannot do that it sends the
   mount's file descriptor instead (answer ``d``): the kernel keeps it open and
   ``<mountpoint>/MyDrive`` becomes a symlink to ``/proc/<kernel pid>/fd/<n>``.

``<mountpoint>/My Drive`` links to ``MyDrive``, the name Colab used until 2020, so notebooks that
still say ``/content/drive/My Drive`` work unchanged.

The Drive lasts as long as the kernel: a restart takes it away (run mount again).
"""

from __future__ import annotations

import array
import os
import re
import socket

from google.colab import _message

_mounted: dict[str, int | None] = {}  # mountpoint -> the Drive's descriptor, None when the hub mounted it
_RECEIVE_TIMEOUT = 30.0
ALIAS = "My Drive"


def _link(mountpoint: str) -> str:
    return os.path.join(mountpoint, "MyDrive")


def _alias(mountpoint: str) -> str:
    return os.path.join(mountpoint, ALIAS)


def _is_mount(path: str) -> bool:
    """Whether something is mounted at ``path`` (os.path.ismount misses a bind mount of a folder
    on the same file system, which the Drive usually is)."""
    target = os.path.realpath(path)
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as fh:
            for line in fh:
                fields = line.split(" ")
                if len(fields) > 4 and re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4]) == target:
                    return True
    except OSError:
        return os.path.ismount(path)
    return False


def _is_mounted(mountpoint: str) -> bool:
    if mountpoint not in _mounted:
        return False
    fd = _mounted[mountpoint]
    if fd is None:
        return _is_mount(_link(mountpoint))
    return os.path.islink(_link(mountpoint)) and os.path.exists(f"/proc/self/fd/{fd}")


def _clear_leftovers(mountpoint: str) -> None:
    """What an earlier mount left behind (its kernel was restarted): the link or the empty
    folder it used, and the alias."""
    link, alias = _link(mountpoint), _alias(mountpoint)
    if os.path.islink(link):
        os.unlink(link)
    elif os.path.isdir(link) and not _is_mount(link) and not os.listdir(link):
        os.rmdir(link)
    if os.path.islink(alias) and os.readlink(alias) == "MyDrive":
        os.unlink(alias)


def _receive(path: str, target: str) -> int | None:
    """Ask the hub to put the Drive at ``target``: None when it mounted it there, else the
    descriptor it sent."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(_RECEIVE_TIMEOUT)
        sock.connect(path)
        sock.sendall(target.encode() + b"\n")
        fds = array.array("i")
        data, ancdata, _flags, _addr = sock.recvmsg(16, socket.CMSG_SPACE(fds.itemsize), socket.MSG_CMSG_CLOEXEC)
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    if data[:1] == b"m":
        for fd in fds:
            os.close(fd)
        return None
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
    _mounted.pop(mountpoint, None)
    if os.path.isdir(mountpoint):
        _clear_leftovers(mountpoint)
    if os.path.isdir(mountpoint) and os.listdir(mountpoint):
        raise ValueError("Mountpoint must not already contain files")
    if os.path.exists(mountpoint) and not os.path.isdir(mountpoint):
        raise ValueError("Mountpoint must either be a directory or not exist")
    reply = _message.blocking_request("drive_mount", {"mountpoint": mountpoint, "readonly": bool(readonly)},
                                      timeout_sec=None) or {}
    if "socket" not in reply:
        raise _message.MessageError("the hub did not offer the Drive; run drive.mount again")
    link = _link(mountpoint)
    os.makedirs(link, exist_ok=True)
    try:
        fd = _receive(reply["socket"], link)
    except BaseException:
        _clear_leftovers(mountpoint)
        raise
    if fd is not None:
        os.rmdir(link)
        os.symlink(f"/proc/{os.getpid()}/fd/{fd}", link)
    os.symlink("MyDrive", _alias(mountpoint))
    _mounted[mountpoint] = fd
    print(f"Mounted at {mountpoint}")


def _unmount(mountpoint: str) -> None:
    fd = _mounted.pop(mountpoint, None)
    link = _link(mountpoint)
    if fd is None and _is_mount(link):
        _message.blocking_request("drive_unmount", {"path": link}, timeout_sec=60)
    elif fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass
    _clear_leftovers(mountpoint)


def flush_and_unmount(timeout_ms: int = 24 * 60 * 60 * 1000) -> None:
    """Write everything to the Drive and take it away from this runtime."""
    os.sync()  # writes land in the Drive's files directly; this makes them durable
    if not _mounted:
        print("Drive not mounted, so nothing to flush and unmount.")
        return
    for mountpoint in list(_mounted):
        _unmount(mountpoint)
    print("All changes made in this colab session should now be visible in Drive.")
