"""The person's Drive inside the runtime, after they consent: ``drive.mount('/content/drive')``.

How it works (see ``nbcloud.hub.runtimes.drive_mount`` for the hub's side):

1. ``mount`` sends the request ``drive_mount`` (``{"mountpoint", "readonly"}``). The hub asks the
   page for consent; without it the reply is an error and nothing of the Drive is reachable.
2. With consent the hub prepares the user's MyDrive as a detached mount, listens on a fresh
   unix socket in this runtime's ipc folder and answers ``{"socket": path}``.
3. This module makes the empty folder ``<mountpoint>/MyDrive`` (where the runtime's user may
   not, as for ``/gdrive`` in the sandbox's root, the hub makes it, as root, for this user),
   connects and sends its path.
   The hub mounts the Drive there, inside this sandbox only (answer ``m``), so it is an ordinary
   folder of the runtime (``%cd`` into it works). Where the hub cannot do that it sends the
   mount's file descriptor instead (answer ``d``): the kernel keeps it open and
   ``<mountpoint>/MyDrive`` becomes a symlink to ``/proc/<kernel pid>/fd/<n>``.

``<mountpoint>/My Drive`` links to ``MyDrive``, the name Colab used until 2020, so notebooks that
still say ``/content/drive/My Drive`` work unchanged.

The Drive lasts as long as the kernel: a restart takes it away (run mount again).

Mount points are checked as Colab checks them, with its messages: no space, not a symlink, not a
folder that holds files, not a file, in a folder that exists. Any such path works: the default
``/content/drive``, ``/gdrive``, ``/content/gdrive``, ``/mnt/drive`` (when ``/mnt`` exists).
"""

from __future__ import annotations

import array
import errno
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
    try:
        if os.path.islink(link):
            os.unlink(link)
        elif os.path.isdir(link) and not _is_mount(link) and not os.listdir(link):
            os.rmdir(link)
        if os.path.islink(alias) and os.readlink(alias) == "MyDrive":
            os.unlink(alias)
    except PermissionError:
        pass  # a mountpoint the hub made in a folder of root's: the empty MyDrive stays, harmless


def _receive(path: str, target: str) -> tuple[int | None, str]:
    """Ask the hub to put the Drive at ``target``: (None, "") when it mounted it there, else the
    descriptor it sent and why it did not mount it."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(_RECEIVE_TIMEOUT)
        sock.connect(path)
        sock.sendall(target.encode() + b"\n")
        fds = array.array("i")
        data, ancdata, _flags, _addr = sock.recvmsg(4096, socket.CMSG_SPACE(fds.itemsize), socket.MSG_CMSG_CLOEXEC)
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
        while data[:1] == b"d" and (more := sock.recv(4096)):
            data += more
    if data[:1] == b"m":
        for fd in fds:
            os.close(fd)
        return None, ""
    if not fds:
        raise _message.MessageError("the hub sent no Drive; run drive.mount again")
    return fds[0], data[1:].decode(errors="replace")


def _check_mountpoint(mountpoint: str) -> None:
    """Colab's checks, in its order, with its messages."""
    if os.path.islink(mountpoint):
        raise ValueError("Mountpoint must not be a symlink")
    if os.path.isdir(mountpoint) and os.listdir(mountpoint):
        raise ValueError("Mountpoint must not already contain files")
    if not os.path.isdir(mountpoint) and os.path.exists(mountpoint):
        raise ValueError("Mountpoint must either be a directory or not exist")
    normed = os.path.normpath(mountpoint)
    if "/" in normed and not os.path.exists(os.path.dirname(normed)):
        raise ValueError("Mountpoint must be in a directory that exists")


def _make_folder(path: str) -> bool:
    """Make ``path`` (and the mountpoint above it) if this user may; False where only the hub
    may (a folder of root's, such as the sandbox's root for ``/gdrive``)."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return False
        raise
    return True


def mount(mountpoint: str, force_remount: bool = False, timeout_ms: int = 120000, readonly: bool = False) -> None:
    """Make your Drive appear at ``<mountpoint>/MyDrive`` (asks you for consent in the page)."""
    if " " in mountpoint:
        raise ValueError("Mountpoint must not contain a space.")
    shown = os.path.expanduser(mountpoint)  # what Colab prints: the path as given, ~ expanded
    mountpoint = os.path.abspath(shown)
    if _is_mounted(mountpoint):
        if not force_remount:
            print(f"Drive already mounted at {shown}; to attempt to forcibly remount, "
                  f'call drive.mount("{shown}", force_remount=True).')
            return
        _unmount(mountpoint)
    _mounted.pop(mountpoint, None)
    if os.path.isdir(mountpoint) and not os.path.islink(mountpoint):
        _clear_leftovers(mountpoint)
    _check_mountpoint(mountpoint)
    reply = _message.blocking_request("drive_mount", {"mountpoint": mountpoint, "readonly": bool(readonly)},
                                      timeout_sec=None) or {}
    if "socket" not in reply:
        raise _message.MessageError("the hub did not offer the Drive; run drive.mount again")
    link = _link(mountpoint)
    made = _make_folder(link)
    try:
        fd, why = _receive(reply["socket"], link)
    except BaseException:
        _clear_leftovers(mountpoint)
        raise
    if fd is not None:
        if not made:
            os.close(fd)
            raise ValueError(f"mount failed: {mountpoint} cannot be made in this runtime"
                             f"{' (' + why + ')' if why else ''}. Mount in a folder you can write, "
                             "such as /content/drive, /content/gdrive or /gdrive.")
        os.rmdir(link)
        os.symlink(f"/proc/{os.getpid()}/fd/{fd}", link)
    try:
        os.symlink("MyDrive", _alias(mountpoint))
    except OSError:
        pass  # a mountpoint of root's that the hub filled: MyDrive alone
    _mounted[mountpoint] = fd
    print(f"Mounted at {shown}")


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
