"""Each sandboxed runtime's own network: a network namespace, and user-mode networking out.

bubblewrap starts every runtime in a new network namespace (``--unshare-net``): its loopback
is its own, so a server someone starts on 127.0.0.1 in a cell is reachable only from that
runtime, and nothing on the host's loopback (the hub, a database server, another runtime's
servers) is reachable from it. What leaves the runtime follows ``settings.runtime_network``:

* ``internet``: slirp4netns joins the namespace and gives it a ``tap0`` (10.0.2.100/24, default
  route via 10.0.2.2, DNS at 10.0.2.3) that reaches out through the host's network as the hub's
  own connections would, with ``--disable-host-loopback`` so 10.0.2.2 does not lead to the
  host's 127.0.0.1. The runtime gets an /etc/resolv.conf that points at slirp's DNS.
* ``none``: only the runtime's own ``lo``.

Start-up, per sandbox (see :class:`RuntimeNet`): bwrap reports its sandboxed child's pid on
``--info-fd``; the hub opens that child's ``/proc/<pid>/ns/net`` and holds it; starts slirp4netns
on it with an ``--exit-fd`` whose writing end only the hub holds (so slirp4netns ends when the
hub closes it, or when the hub itself dies, whichever first) and waits on its ``--ready-fd``;
then writes a byte to bwrap's ``--block-fd``, and only then does the kernel start: its first
cell already has a network.

The hub reaches a runtime's servers (port links) by making the socket inside that namespace
(:meth:`RuntimeNet.open_socket`) and connecting it from its event loop as usual.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import logging
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000

SLIRP_MTU = 65520
SLIRP_DNS = "10.0.2.3"
SLIRP_GATEWAY = "10.0.2.2"
SLIRP_ADDRESS = "10.0.2.100"
SLIRP_INSTALL_HINT = "install slirp4netns (apt-get install slirp4netns; make install does)"
START_TIMEOUT = 20.0


class NetworkStartError(Exception):
    """A runtime's network could not be set up (bwrap did not report its child, or slirp4netns
    did not come up)."""


@dataclass(frozen=True)
class NetworkPlan:
    """What this machine gives runtimes (decided once, at hub start; see :func:`plan`)."""

    mode: str  # "internet" (own namespace + slirp4netns) | "none" (own namespace, lo only) | "host"
    slirp: str | None = None  # slirp4netns's path, for "internet"
    reasons: tuple[str, ...] = ()  # why a weaker network than asked for is in force

    @property
    def private(self) -> bool:
        """The runtime has a network namespace of its own."""
        return self.mode in ("internet", "none")


def plan(setting: str, sandboxed: bool) -> NetworkPlan:
    """The network runtimes get for ``settings.runtime_network`` ("internet" or "none")."""
    if setting not in ("internet", "none"):
        raise ValueError(f"runtime_network must be 'internet' or 'none', not {setting!r}")
    if not sandboxed:
        return NetworkPlan("host", None, ("runtimes are not sandboxed: they share the hub's network and loopback",))
    if setting == "none":
        return NetworkPlan("none")
    slirp = shutil.which("slirp4netns")
    if slirp is None:
        return NetworkPlan("host", None, (
            f"slirp4netns not found: runtimes share the hub's network and loopback; {SLIRP_INSTALL_HINT}, "
            "or set runtime_network = none",))
    return NetworkPlan("internet", slirp)


def write_resolv_conf(folder: Path) -> Path:
    """An /etc/resolv.conf for a runtime with slirp4netns: its DNS forwarder (the host's own may
    sit on the host's loopback, which the runtime cannot reach), with the host's search list."""
    lines = [f"nameserver {SLIRP_DNS}"]
    try:
        for line in Path("/etc/resolv.conf").read_text().splitlines():
            if line.split()[:1] in (["search"], ["domain"]):
                lines.append(line.strip())
    except OSError:
        pass
    path = folder / "resolv.conf"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o644)
    return path


@dataclass
class LaunchFds:
    """The hub's ends of the pipes bwrap gets for one launch (the sandbox's ends go in
    ``SandboxCommand.fds``)."""

    info_read: int  # bwrap writes {"child-pid": ...} here
    block_write: int | None = None  # the sandboxed command starts once a byte arrives here

    def close(self) -> None:
        for fd in (self.info_read, self.block_write):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.block_write = None


def bwrap_args(plan_: NetworkPlan, cmd_fds: list[int]) -> tuple[list[str], LaunchFds | None]:
    """bwrap options for ``plan_``; the sandbox's pipe ends are appended to ``cmd_fds``."""
    if not plan_.private:
        return ["--share-net"], None
    info_r, info_w = os.pipe()
    os.set_inheritable(info_w, True)
    cmd_fds.append(info_w)
    args = ["--unshare-net", "--info-fd", str(info_w)]
    launch = LaunchFds(info_r)
    if plan_.mode == "internet":
        block_r, block_w = os.pipe()
        os.set_inheritable(block_r, True)
        cmd_fds.append(block_r)
        launch.block_write = block_w
        args += ["--block-fd", str(block_r)]
    return args, launch


def _read_until_eof(fd: int, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    out = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise NetworkStartError(f"the sandbox did not report its process in {timeout:.0f} s")
        if not _readable(fd, left):
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            return out
        out += chunk
        # bwrap writes the JSON and keeps the fd open while it waits (with --block-fd).
        if out.rstrip().endswith(b"}"):
            return out


@dataclass(eq=False)
class RuntimeNet:
    """One sandbox's network namespace, held open by the hub, and its slirp4netns if any."""

    pid: int  # the sandbox's first process (on the host), whose namespace this is
    netns_fd: int
    userns_fd: int | None  # bwrap-userns: the user namespace that owns the network namespace
    slirp: subprocess.Popen[bytes] | None = None
    exit_write: int | None = None  # slirp4netns ends when this closes
    closed: bool = field(default=False)

    @classmethod
    async def start(cls, launch: LaunchFds, plan_: NetworkPlan, *, log_path: Path | None = None) -> RuntimeNet:
        try:
            raw = await asyncio.to_thread(_read_until_eof, launch.info_read, START_TIMEOUT)
            try:
                pid = int(json.loads(raw)["child-pid"])
            except (ValueError, KeyError, TypeError):
                raise NetworkStartError(f"the sandbox exited before it started (bwrap said {raw[:200]!r})") from None
            netns_fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            userns_fd = None
            if os.geteuid() != 0:
                userns_fd = os.open(f"/proc/{pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
            net = cls(pid, netns_fd, userns_fd)
            try:
                if plan_.mode == "internet":
                    await net._start_slirp(plan_, log_path)
                if launch.block_write is not None:
                    os.write(launch.block_write, b"1")
            except BaseException:
                net.stop()
                raise
            return net
        finally:
            launch.close()

    async def _start_slirp(self, plan_: NetworkPlan, log_path: Path | None) -> None:
        assert plan_.slirp
        exit_r, self.exit_write = os.pipe()
        ready_r, ready_w = os.pipe()
        argv = [plan_.slirp, "--configure", f"--mtu={SLIRP_MTU}", "--disable-host-loopback",
                "--enable-sandbox", "--enable-seccomp", f"--exit-fd={exit_r}", f"--ready-fd={ready_w}"]
        if self.userns_fd is not None:
            argv.append(f"--userns-path=/proc/{self.pid}/ns/user")
        argv += [str(self.pid), "tap0"]
        out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 (closed below, once spawned)
        try:
            self.slirp = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                          pass_fds=(exit_r, ready_w), start_new_session=True)
        finally:
            os.close(exit_r)
            os.close(ready_w)
            if log_path:
                out.close()  # type: ignore[union-attr]
        try:
            got = await asyncio.to_thread(_read_until_eof_or_byte, ready_r, START_TIMEOUT)
        finally:
            os.close(ready_r)
        if not got:
            code = self.slirp.poll()
            raise NetworkStartError(f"slirp4netns did not set up the runtime's network (exit status {code}); "
                                    f"see {log_path or 'its output'}")

    def stop(self) -> None:
        """Ends slirp4netns and lets go of the namespace (idempotent)."""
        if self.closed:
            return
        self.closed = True
        if self.exit_write is not None:
            os.close(self.exit_write)  # slirp4netns sees EOF and exits
            self.exit_write = None
        if self.slirp is not None:
            try:
                self.slirp.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.slirp.kill()
                self.slirp.wait(timeout=5)
        for fd in (self.netns_fd, self.userns_fd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass

    # -- reaching into the namespace --------------------------------------------------------

    async def open_connection_socket(self, host: str, port: int, timeout: float | None = 10.0) -> socket.socket:
        """A TCP socket connected to ``host:port`` as seen inside the runtime."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = await self.open_socket(family)
        try:
            sock.setblocking(False)
            loop = asyncio.get_running_loop()
            await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        except BaseException:
            sock.close()
            raise
        return sock

    async def open_socket(self, family: int = socket.AF_INET) -> socket.socket:
        """A TCP socket that lives in the runtime's namespace (a socket keeps the namespace it
        was made in; connecting it afterwards from the hub's loop reaches the runtime's lo)."""
        if self.closed:
            raise ConnectionRefusedError("the runtime's network is gone")
        if self.userns_fd is None:
            return await _in_thread(_socket_in_netns, self.netns_fd, family)
        return await asyncio.to_thread(_socket_via_helper, self.pid, family)

    def proc_net(self) -> Path:
        """Where /proc shows this namespace's sockets (net/tcp, net/tcp6)."""
        return Path(f"/proc/{self.pid}")


def _readable(fd: int, timeout: float) -> bool:
    """poll(), not select(): a hub holding many runtimes has descriptors past select's 1024."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(max(0, int(timeout * 1000))))


def _read_until_eof_or_byte(fd: int, timeout: float) -> bool:
    return _readable(fd, timeout) and bool(os.read(fd, 1))


_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int, nstype: int) -> None:
    if _libc.setns(fd, nstype) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


def _socket_in_netns(netns_fd: int, family: int) -> socket.socket:
    """Runs in a thread of its own that ends right after: setns changes only the calling
    thread's network namespace, and a thread that ends takes that change with it."""
    _setns(netns_fd, CLONE_NEWNET)
    return socket.socket(family, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a new thread (never a pool's: the thread's namespace must not be reused)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def run() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            loop.call_soon_threadsafe(_settle, future, None, exc)
        else:
            loop.call_soon_threadsafe(_settle, future, result, None)

    threading.Thread(target=run, name="nbcloud-netns", daemon=True).start()
    return await future


def _settle(future: asyncio.Future[T], result: T | None, exc: BaseException | None) -> None:
    if future.cancelled():
        if isinstance(result, socket.socket):
            result.close()
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)  # type: ignore[arg-type]  # None only with exc


# A hub that is not root cannot enter a namespace owned by the sandbox's user namespace from one
# of its threads (setns into a user namespace needs a single-threaded process): a short helper
# enters both and hands the socket back over a socketpair.
_HELPER = r"""
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
pid, family, fd = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for ns, flag in (("user", 0x10000000), ("net", 0x40000000)):
    nsfd = os.open(f"/proc/{pid}/ns/{ns}", os.O_RDONLY)
    if libc.setns(nsfd, flag) != 0:
        sys.exit(f"setns {ns}: " + os.strerror(ctypes.get_errno()))
    os.close(nsfd)
s = socket.socket(family, socket.SOCK_STREAM)
socket.send_fds(socket.socket(fileno=fd), [b"s"], [s.fileno()])
"""


def _socket_via_helper(pid: int, family: int) -> socket.socket:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with ours, theirs:
        proc = subprocess.run([sys.executable, "-I", "-c", _HELPER, str(pid), str(int(family)), str(theirs.fileno())],
                              pass_fds=(theirs.fileno(),), capture_output=True, text=True, timeout=15)
        if proc.returncode != 0:
            raise ConnectionRefusedError(f"cannot enter the runtime's network: {proc.stderr.strip()[-300:]}")
        _msg, fds, _flags, _addr = socket.recv_fds(ours, 16, 1)
    if not fds:
        raise ConnectionRefusedError("cannot enter the runtime's network: the helper sent no socket")
    return socket.socket(fileno=fds[0])
