"""Who listens on a loopback TCP port: this runtime's processes, someone else, or nobody.

A sandboxed runtime has a network namespace of its own (see runtimes.network): whatever listens
on its loopback is its own, and :func:`private_port_owner` reads its listening sockets from
``/proc/<pid>/net/tcp`` of one of its processes (that file shows the namespace of the process).

Without one (an unsandboxed runtime, or no network namespaces on this machine), runtimes share
the host's network namespace, so a server in one runtime listens on the same
loopback as the hub and as every other runtime. Before the hub proxies anything to
``127.0.0.1:port`` it checks, from ``/proc``, that every listening socket a connection to that
address could reach belongs to a process of the runtime the link was made for:

* the listening sockets come from ``/proc/net/tcp`` and ``/proc/net/tcp6`` (state ``0A``) with
  their inode numbers;
* a runtime's sockets are the ``socket:[inode]`` entries in ``/proc/<pid>/fd`` of its processes
  (the kernel and its descendants, found with psutil, and whatever sits in its cgroups).

``0.0.0.0`` and ``::`` (dual-stack) count as listening on ``127.0.0.1``; ``::`` and ``::1`` on
``::1``. If any socket that could take the connection is not the runtime's (another runtime's
server, the hub itself, a host service), the port is refused.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psutil

LISTEN = "0A"

Owner = Literal["runtime", "other", "none"]

# What a connection to each loopback address may land on.
_COVERS = {
    "127.0.0.1": {"127.0.0.1", "0.0.0.0", "::", "::ffff:127.0.0.1"},
    "::1": {"::1", "::"},
}


@dataclass(frozen=True)
class Listener:
    address: str  # as ipaddress prints it: "127.0.0.1", "::", "::ffff:127.0.0.1"
    port: int
    inode: int


@dataclass(frozen=True)
class PortCheck:
    owner: Owner
    host: str | None = None  # where to connect when owner == "runtime": "127.0.0.1" or "::1"


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    # /proc prints each 32-bit word in host byte order.
    if sys.byteorder == "little":
        raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    family = socket.AF_INET if len(raw) == 4 else socket.AF_INET6
    return str(ipaddress.ip_address(socket.inet_ntop(family, raw)))


def listeners(port: int, proc: Path = Path("/proc")) -> list[Listener]:
    """The TCP sockets listening on ``port`` in this network namespace."""
    found: list[Listener] = []
    for name in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != LISTEN:
                continue
            address, _, hex_port = fields[1].partition(":")
            try:
                if int(hex_port, 16) != port:
                    continue
                found.append(Listener(_address(address), port, int(fields[9])))
            except ValueError:
                continue
    return found


def socket_inodes(pids: Iterable[int], proc: Path = Path("/proc")) -> set[int]:
    """The inodes of every socket the processes ``pids`` hold open."""
    inodes: set[int] = set()
    for pid in pids:
        fd_dir = proc / str(pid) / "fd"
        try:
            names = os.listdir(fd_dir)
        except OSError:
            continue
        for name in names:
            try:
                target = os.readlink(fd_dir / name)
            except OSError:
                continue
            if target.startswith("socket:["):
                try:
                    inodes.add(int(target[8:-1]))
                except ValueError:
                    pass
    return inodes


def process_tree(pid: int | None) -> set[int]:
    """``pid`` and all its descendants (psutil), empty if it is gone."""
    if pid is None:
        return set()
    try:
        top = psutil.Process(pid)
        return {top.pid, *(child.pid for child in top.children(recursive=True))}
    except psutil.Error:
        return set()


def cgroup_pids(dirs: Iterable[Path]) -> set[int]:
    """Every process in these cgroups and the cgroups below them."""
    pids: set[int] = set()
    for top in dirs:
        for dirpath, _dirnames, _files in os.walk(top):
            try:
                text = (Path(dirpath) / "cgroup.procs").read_text()
            except OSError:
                continue
            pids.update(int(p) for p in text.split() if p.isdigit())
    return pids


def port_owner(port: int, runtime_pids: set[int], proc: Path = Path("/proc")) -> PortCheck:
    """Whether a connection to loopback:``port`` reaches only the processes ``runtime_pids``."""
    found = listeners(port, proc)
    if not found:
        return PortCheck("none")
    ours = socket_inodes(runtime_pids - {os.getpid()}, proc)
    for host, covering in _COVERS.items():
        reachable = [s for s in found if s.address in covering]
        if reachable and all(s.inode in ours for s in reachable):
            return PortCheck("runtime", host)
    if any(s.address in covering for covering in _COVERS.values() for s in found):
        return PortCheck("other")
    return PortCheck("none")  # only on other addresses (say 10.0.0.5): not reachable on loopback


def private_port_owner(port: int, namespace_proc: Path) -> PortCheck:
    """Who listens on loopback:``port`` in a runtime's own network namespace, ``namespace_proc``
    being ``/proc/<pid>`` of a process in it. Only the runtime's processes live there, so any
    listener that a connection to loopback would reach is the runtime's."""
    found = listeners(port, namespace_proc)
    for host, covering in _COVERS.items():
        if any(s.address in covering for s in found):
            return PortCheck("runtime", host)
    return PortCheck("none")
