"""A user's MyDrive handed to a running sandbox after consent (``drive.mount()``).

bubblewrap cannot add mounts to a sandbox that is running, and the sandbox must not see any
Drive before the person agrees. So the hub makes a *detached* copy of the MyDrive mount
(``open_tree(OPEN_TREE_CLONE | AT_RECURSIVE)``) and hands it over through a one-shot unix socket
in the runtime's ipc folder. The kernel connects, sends the folder where it wants its Drive
(``/content/drive/MyDrive``, an empty folder it made) and gets one of two answers:

* ``m``: the hub (root) attached the copy there, inside the sandbox's own mount namespace
  (a helper process joins that namespace with ``setns`` and calls ``move_mount``). The Drive is
  then an ordinary mount of the runtime: ``%cd /content/drive/MyDrive`` and ``os.getcwd()``
  work, and ``..`` from its root is the runtime's own ``/content/drive``. Only the kernel of
  this runtime can ask (the socket lives in its ipc folder; the peer's credentials must be the
  runtime's uid and a process of its tree, in a mount namespace that is not the hub's), and the
  mount lands in the sandbox's namespace alone (bubblewrap makes its mounts slaves: nothing
  propagates back to the host). ``drive.flush_and_unmount()`` asks the hub to detach it.
* ``d`` with a file descriptor (SCM_RIGHTS): where the hub cannot enter the sandbox (it is
  not root), the kernel keeps the descriptor open and links ``/content/drive/MyDrive`` to
  ``/proc/<kernel pid>/fd/<n>``, which every process of the runtime (``!ls`` too) can walk;
  ``os.getcwd()`` cannot name a folder in there.

Why a detached mount and not a plain directory descriptor: ``..`` from a directory
descriptor walks up to its parent on the host (``drive/<user>/``, then every other user's
Drive). A detached mount has no parent: ``..`` at its root stays at its root, so nothing above
MyDrive can be reached however paths are written. Symlinks inside the Drive resolve in the
sandbox's own file system view, which holds nothing of the hub's; the hub's Drive code never
follows symlinks (``drive.fs``), so a link planted in MyDrive by a runtime cannot lead the hub
anywhere either.

Ownership: when the hub runs as root the kernel runs as ``runtime_uid``, while Drive files
belong to the hub. The copy is then an *idmapped* mount (``mount_setattr(MOUNT_ATTR_IDMAP)``
with a user namespace mapping 0 to runtime_uid/gid): the runtime sees its Drive files as its
own and what it writes lands on disk owned by the hub, as everything else in Drive. The copy
is also ``nosuid``/``nodev`` (and read-only on ``readonly=True``). When the hub is not root
the copy is made by a helper in a user and mount namespace of its own (``unshare``), where
the hub's uid may clone mounts; kernel and hub share a uid, so no idmap is needed.

The mount disappears with the sandbox (or, for a descriptor, when its last copy closes).
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import errno
import logging
import os
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

# Syscall numbers of the new mount API are the same on every architecture (>= 424).
SYS_OPEN_TREE = 428
SYS_MOUNT_SETATTR = 442
SYS_MOVE_MOUNT = 429
AT_FDCWD = -100
AT_EMPTY_PATH = 0x1000
AT_RECURSIVE = 0x8000
OPEN_TREE_CLONE = 1
OPEN_TREE_CLOEXEC = os.O_CLOEXEC
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
MOUNT_ATTR_NODEV = 0x4
MOUNT_ATTR_IDMAP = 0x100000

HAND_OVER_TIMEOUT = 30.0
MAX_TARGET_BYTES = 4096


class DriveMountError(Exception):
    """The Drive could not be given to the runtime; the message says what to do."""


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _check(result: int, what: str) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def clone_tree(path: str | Path, *, readonly: bool = False, userns_fd: int | None = None) -> int:
    """A descriptor of a detached, recursive copy of the mount tree at ``path``."""
    fd = _check(_libc.syscall(SYS_OPEN_TREE, AT_FDCWD, os.fsencode(str(path)),
                              OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE), "open_tree")
    try:
        attr = _MountAttr(attr_set=MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (MOUNT_ATTR_RDONLY if readonly else 0))
        _check(_libc.syscall(SYS_MOUNT_SETATTR, fd, b"", AT_EMPTY_PATH | AT_RECURSIVE, ctypes.byref(attr),
                             ctypes.sizeof(attr)), "mount_setattr")
        if userns_fd is not None:
            # The idmap is set on the top mount alone (the kernel refuses it recursively on
            # some versions); the Drive is one file system, so that is all of it.
            idmap = _MountAttr(attr_set=MOUNT_ATTR_IDMAP, userns_fd=userns_fd)
            _check(_libc.syscall(SYS_MOUNT_SETATTR, fd, b"", AT_EMPTY_PATH, ctypes.byref(idmap),
                                 ctypes.sizeof(idmap)), "mount_setattr(idmap)")
    except BaseException:
        os.close(fd)
        raise
    return fd


_userns_cache: dict[tuple[int, int], int] = {}
_userns_lock = threading.Lock()


def idmap_userns(uid: int, gid: int) -> int:
    """A user namespace mapping 0 (the hub, root) to uid/gid; one per pair, kept open."""
    with _userns_lock:
        cached = _userns_cache.get((uid, gid))
        if cached is not None:
            return cached
        unshare = shutil.which("unshare")
        if unshare is None:
            raise DriveMountError("the `unshare` tool (util-linux) is missing on the hub's machine; install it")
        own = os.stat("/proc/self/ns/user").st_ino
        proc = subprocess.Popen([unshare, "--user", "--", "sleep", "30"], stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while os.stat(f"/proc/{proc.pid}/ns/user").st_ino == own:  # not unshared yet
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise DriveMountError("could not create a user namespace for the Drive's id mapping")
                time.sleep(0.005)
            Path(f"/proc/{proc.pid}/uid_map").write_text(f"0 {uid} 1\n")
            Path(f"/proc/{proc.pid}/gid_map").write_text(f"0 {gid} 1\n")
            fd = os.open(f"/proc/{proc.pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
        finally:
            proc.kill()
            proc.wait()
        _userns_cache[(uid, gid)] = fd
        return fd


_HELPER = r"""
import array, os, socket, sys
from nbcloud.hub.runtimes.drive_mount import clone_tree
sock = socket.socket(fileno=int(sys.argv[1]))
fd = clone_tree(sys.argv[2], readonly=sys.argv[3] == "1")
sock.sendmsg([b"d"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
"""


def _clone_unprivileged(path: Path, readonly: bool) -> int:
    """clone_tree in a helper that owns a user + mount namespace (the hub is not root)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        raise DriveMountError("the `unshare` tool (util-linux) is missing on the hub's machine; install it")
    ours, theirs = socket.socketpair()
    with ours, theirs:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        proc = subprocess.run(
            [unshare, "--user", "--map-root-user", "--mount", "--", sys.executable, "-c", _HELPER,
             str(theirs.fileno()), str(path), "1" if readonly else "0"],
            pass_fds=(theirs.fileno(),), capture_output=True, text=True, timeout=30, env=env,
        )
        if proc.returncode != 0:
            raise DriveMountError("could not prepare the Drive for the runtime: "
                                  + (proc.stderr.strip().splitlines() or ["unknown error"])[-1])
        return _receive(ours)


def _receive(sock: socket.socket) -> int:
    fds = array.array("i")
    _msg, anc, _flags, _addr = sock.recvmsg(1, socket.CMSG_SPACE(fds.itemsize), socket.MSG_CMSG_CLOEXEC)
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    if not fds:
        raise DriveMountError("the Drive helper sent nothing")
    return fds[0]


def prepare(mydrive: Path, *, kernel_uid: int, kernel_gid: int, readonly: bool = False) -> int:
    """The descriptor to hand to the kernel: a detached (idmapped when needed) copy of MyDrive."""
    try:
        if os.geteuid() == 0:
            same = (kernel_uid, kernel_gid) == (os.stat(mydrive).st_uid, os.stat(mydrive).st_gid)
            return clone_tree(mydrive, readonly=readonly,
                              userns_fd=None if same else idmap_userns(kernel_uid, kernel_gid))
        return _clone_unprivileged(mydrive, readonly)
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.ENOSYS, errno.EINVAL):
            raise DriveMountError(
                f"this machine cannot hand a Drive to a runtime ({exc.strerror}); it needs Linux 5.12 or newer "
                "and a file system with idmapped mounts (ext4, xfs, btrfs) for the Drive folder") from exc
        raise


# Run in a fresh interpreter (``-I -S``: nothing is imported after setns, so nothing is read
# from the sandbox's view of the file system): join the mount namespace, then attach the
# detached tree at the target or detach it.
#
# Attaching walks to the target one folder at a time from the sandbox's root, never following a
# symlink (a link the runtime planted cannot send root elsewhere), and mounts on the folder it
# holds open (``move_mount`` with both paths empty), so nothing can be swapped in between. When
# an owner is given it makes what is missing of the last two folders (``<mountpoint>/MyDrive``)
# and gives them to the runtime: a kernel that runs unprivileged cannot make ``/gdrive`` in the
# sandbox's root, Colab's root can. The folder above the mountpoint must exist (as in Colab).
# The target must be an empty folder: a Drive never hides what was there.
_NS_HELPER = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def fail(what, err=None):
    os.write(2, (what + ": " + os.strerror(err if err is not None else ctypes.get_errno())).encode())
    os._exit(1)
op, ns_fd, target = sys.argv[1], int(sys.argv[2]), sys.argv[4]
uid, gid = int(sys.argv[5]), int(sys.argv[6])
if libc.setns(ns_fd, 0x00020000) != 0:  # CLONE_NEWNS
    fail("setns")
if op != "attach":
    if libc.umount2(os.fsencode(target), 0x2 | 0x8) != 0:  # MNT_DETACH | UMOUNT_NOFOLLOW
        fail("umount")
    os._exit(0)
DIR = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
parts = target.split("/")[1:]
fd = os.open("/", DIR)
for i, name in enumerate(parts):
    try:
        step = os.open(name, DIR, dir_fd=fd)
    except FileNotFoundError:
        if uid < 0 or i < len(parts) - 2:
            fail("mkdir " + "/" + "/".join(parts[:i + 1]), 2)
        try:
            os.mkdir(name, 0o755, dir_fd=fd)
            os.chown(name, uid, gid, dir_fd=fd, follow_symlinks=False)
        except OSError as exc:
            fail("mkdir " + "/" + "/".join(parts[:i + 1]), exc.errno)
        step = os.open(name, DIR, dir_fd=fd)
    except OSError as exc:  # a link (ELOOP) or a file (ENOTDIR) on the way
        fail("/" + "/".join(parts[:i + 1]), exc.errno)
    os.close(fd)
    fd = step
listing = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=fd)
if os.listdir(listing):
    fail(target, 39)  # ENOTEMPTY
os.close(listing)
# MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH
if libc.syscall(%d, int(sys.argv[3]), b"", fd, b"", 0x4 | 0x40) != 0:
    fail("move_mount")
os._exit(0)
""" % SYS_MOVE_MOUNT  # noqa: UP031 (Python source: braces in it stay literal)


def can_enter_sandboxes() -> bool:
    """Joining a sandbox's mount namespace and mounting in it needs root."""
    return os.geteuid() == 0


def sandbox_mount_ns(pid: int, runtime_pid: int | None) -> int | None:
    """An open descriptor of the mount namespace of ``pid``, if ``pid`` is a process of the
    runtime whose top process is ``runtime_pid`` and lives in a mount namespace other than the
    hub's (a sandbox). None otherwise."""
    import psutil

    def in_runtime() -> bool:
        try:
            return runtime_pid is not None and runtime_pid in {p.pid for p in psutil.Process(pid).parents()}
        except psutil.Error:
            return False

    if not in_runtime():
        return None
    try:
        fd = os.open(f"/proc/{pid}/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    if os.fstat(fd).st_ino == os.stat("/proc/self/ns/mnt").st_ino or not in_runtime():
        os.close(fd)
        return None
    return fd


def _in_namespace(op: str, ns_fd: int, tree_fd: int, target: str, owner: tuple[int, int] | None = None) -> None:
    uid, gid = owner if owner is not None else (-1, -1)
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _NS_HELPER, op, str(ns_fd), str(tree_fd), target, str(uid), str(gid)],
        pass_fds=tuple(fd for fd in (ns_fd, tree_fd) if fd >= 0), capture_output=True, text=True, timeout=30,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise DriveMountError(f"could not {op} the Drive in the runtime: {proc.stderr.strip() or proc.returncode}")


def attach(ns_fd: int, tree_fd: int, target: str, owner: tuple[int, int] | None = None) -> None:
    """Attach the detached tree at ``target`` (an empty folder) inside the mount namespace.
    With ``owner`` (uid, gid), the target and its parent are made for that owner where missing
    (``drive.mount('/gdrive')``: the kernel may not make a folder in the sandbox's root)."""
    _in_namespace("attach", ns_fd, tree_fd, target, owner)


def detach(ns_fd: int, target: str) -> None:
    """Lazily unmount what is mounted at ``target`` inside the mount namespace."""
    _in_namespace("detach", ns_fd, -1, target)


def valid_target(raw: bytes) -> str | None:
    """The folder a kernel asked for: an absolute, normalized path, or None."""
    try:
        target = raw.decode()
    except UnicodeDecodeError:
        return None
    if not target.startswith("/") or "\0" in target or os.path.normpath(target) != target or target == "/":
        return None
    return target


# (kernel pid, kernel uid, target folder, tree fd) -> whether the hub mounted the Drive there itself.
Attach = Callable[[int, int, str, int], bool]


class HandOver:
    """A one-shot unix socket in the runtime's ipc folder that gives the Drive to the first
    process that connects (the kernel), then disappears.

    ``attach(pid, uid, target, fd)``, when given, is tried first: it mounts the Drive at
    ``target`` inside the peer's sandbox and returns True, or returns False to hand over the
    descriptor instead."""

    def __init__(self, ipc_dir: Path, inside_ipc: str, uid: int, gid: int, fd: int,
                 attach: Attach | None = None) -> None:
        name = f"drive-{secrets.token_hex(8)}.sock"
        self.inside_path = f"{inside_ipc}/{name}"
        self._fd = fd
        self._attach = attach
        dir_fd = os.open(ipc_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            # Bound through /proc/self/fd: a short path, and no symlink in the ipc folder (which
            # the runtime can write) is followed. bind() never follows the final name.
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._sock.bind(f"/proc/self/fd/{dir_fd}/{name}")
            os.chown(name, uid, gid, dir_fd=dir_fd, follow_symlinks=False)
            os.chmod(f"/proc/self/fd/{dir_fd}/{name}", 0o600)
            self._sock.listen(1)
        except BaseException:
            os.close(dir_fd)
            raise
        self._dir_fd, self._name = dir_fd, name

    def give(self, timeout: float = HAND_OVER_TIMEOUT) -> None:
        """Wait for the kernel to connect, read where it wants the Drive, and attach it there
        or send it the descriptor (blocking)."""
        try:
            self._sock.settimeout(timeout)
            conn, _ = self._sock.accept()
            with conn:
                conn.settimeout(timeout)
                pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                      struct.calcsize("3i")))
                target = valid_target(_read_line(conn))
                attached = False
                why = b""
                if self._attach is not None and target is not None:
                    try:
                        attached = bool(self._attach(pid, uid, target, self._fd))
                    except DriveMountError as exc:
                        log.warning("handing over the Drive as a descriptor: %s", exc)
                        why = str(exc).encode()[:MAX_TARGET_BYTES]
                if attached:
                    conn.sendall(b"m")
                else:
                    # After the descriptor, why the hub could not mount it: the kernel shows it
                    # when it cannot use a descriptor there either (no folder of its own).
                    conn.sendmsg([b"d" + why], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                                 array.array("i", [self._fd]))])
        finally:
            self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._name, dir_fd=self._dir_fd)
        with contextlib.suppress(OSError):
            os.close(self._dir_fd)
        self._sock.close()
        with contextlib.suppress(OSError):
            os.close(self._fd)


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while b"\n" not in data and len(data) <= MAX_TARGET_BYTES:
        chunk = conn.recv(MAX_TARGET_BYTES)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0] if b"\n" in data else b""
