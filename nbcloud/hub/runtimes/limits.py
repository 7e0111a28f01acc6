"""Memory and process-count limits for a runtime: cgroup v2, cgroup v1, or rlimits.

Detection order (first that works wins, the reasons for skipping the others are kept):

* ``cgroup2``: a delegated subtree of the unified hierarchy, below the hub's own cgroup.
  If the hub's cgroup holds processes (cgroup v2 forbids enabling controllers there),
  the hub moves itself into a ``hub`` leaf first, as systemd/containers expect with
  ``Delegate=yes``.
* ``cgroup1``: writable ``memory`` and ``pids`` hierarchies (hybrid hosts, many containers).
* ``rlimit``: ``RLIMIT_AS`` and ``RLIMIT_NPROC`` on the kernel process (``prlimit``).
  RLIMIT_NPROC counts every process of the runtime uid, so it is shared by all runtimes.

A runtime joins its cgroups before the sandbox starts: the launch command begins with a
``sh -c 'echo $$ > .../cgroup.procs ...; exec "$@"'`` step, so nothing escapes the limit.
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")
SUBTREE = "nbcloud-runtimes"


def _own_cgroups() -> dict[str, str]:
    """controller (or "" for v2) -> path of this process's cgroup."""
    result: dict[str, str] = {}
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for c in controllers.split(",") if controllers else [""]:
                result[c] = path
    except OSError:
        pass
    return result


def _mounts() -> list[tuple[str, str, str, str]]:
    """(fstype, mount root, mount point, super options) for cgroup mounts."""
    out = []
    try:
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            left, right = line.split(" - ", 1)
            fields = left.split()
            fstype, _source, sopts = right.split()[:3]
            if fstype in ("cgroup", "cgroup2"):
                out.append((fstype, fields[3], fields[4], sopts))
    except (OSError, ValueError):
        pass
    return out


def _fs_path(mount_root: str, mount_point: str, cg_path: str) -> Path | None:
    if mount_root != "/" and not (cg_path + "/").startswith(mount_root.rstrip("/") + "/"):
        return None
    rel = cg_path[len(mount_root.rstrip("/")):] if mount_root != "/" else cg_path
    return Path(mount_point) / rel.lstrip("/")


class Limiter:
    """Creates and removes per-runtime limit groups; one per backend."""

    mechanism: str = "none"
    reasons: tuple[str, ...] = ()

    def prepare(self, runtime_id: str, memory_bytes: int, max_processes: int) -> RuntimeLimits:
        raise NotImplementedError

    def subtree_bases(self) -> tuple[Path, ...]:
        """The folders below which this limiter makes one cgroup per runtime (none without cgroups)."""
        return ()


@dataclass
class RuntimeLimits:
    """The limits of one runtime: how to join them, how to read them, how to remove them."""

    mechanism: str
    memory_bytes: int
    max_processes: int
    cgroup_dirs: tuple[Path, ...] = ()
    memory_dir: Path | None = None
    _oom_baseline: int = 0

    def command_prefix(self) -> list[str]:
        """Prepended to the launch command: joins the cgroups, or sets the rlimits."""
        if self.cgroup_dirs:
            joins = "; ".join(f"echo $$ > {shlex.quote(str(d / 'cgroup.procs'))}" for d in self.cgroup_dirs)
            return ["/bin/sh", "-c", f'{joins} && exec "$@"', "nbcloud-runtime"]
        if self.mechanism == "rlimit":
            return ["prlimit", f"--as={self.memory_bytes}", f"--nproc={self.max_processes}", "--"]
        return []

    def oom_kills(self) -> int:
        """OOM kills inside this runtime since the last (re)start."""
        return max(0, self._read_oom_kills() - self._oom_baseline)

    def mark_start(self) -> None:
        self._oom_baseline = self._read_oom_kills()

    def _read_oom_kills(self) -> int:
        if self.memory_dir is None:
            return 0
        name = "memory.events" if self.mechanism == "cgroup2" else "memory.oom_control"
        try:
            for line in (self.memory_dir / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def kill_all(self) -> None:
        """SIGKILL whatever is left in the runtime's cgroups (children that outlived the sandbox)."""
        for d in self.cgroup_dirs:
            kill_file = d / "cgroup.kill"
            if kill_file.exists():
                try:
                    kill_file.write_text("1")
                    continue
                except OSError:
                    pass
            try:
                for pid in (d / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
            except OSError:
                pass

    def remove(self) -> None:
        self.kill_all()
        for d in self.cgroup_dirs:
            for _ in range(50):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # EBUSY while the last processes exit
                    time.sleep(0.02)
            else:
                log.warning("could not remove cgroup %s", d)


class NoLimits(Limiter):
    mechanism = "none"

    def __init__(self, reasons: tuple[str, ...] = ()):
        self.reasons = reasons

    def prepare(self, runtime_id: str, memory_bytes: int, max_processes: int) -> RuntimeLimits:
        return RuntimeLimits("none", memory_bytes, max_processes)


class RlimitLimiter(Limiter):
    mechanism = "rlimit"

    def __init__(self, reasons: tuple[str, ...] = ()):
        self.reasons = reasons

    def prepare(self, runtime_id: str, memory_bytes: int, max_processes: int) -> RuntimeLimits:
        return RuntimeLimits("rlimit", memory_bytes, max_processes)


class Cgroup2Limiter(Limiter):
    mechanism = "cgroup2"

    def __init__(self, base: Path, reasons: tuple[str, ...] = ()):
        self.base = base  # our subtree, controllers enabled for its children
        self.reasons = reasons

    def subtree_bases(self) -> tuple[Path, ...]:
        return (self.base,)

    @classmethod
    def detect(cls) -> Cgroup2Limiter:
        mounts = [m for m in _mounts() if m[0] == "cgroup2"]
        own = _own_cgroups().get("")
        if not mounts or own is None:
            raise OSError("no cgroup v2 hierarchy")
        _, root, point, _ = mounts[0]
        own_dir = _fs_path(root, point, own)
        if own_dir is None or not (own_dir / "cgroup.controllers").exists():
            raise OSError(f"own cgroup v2 folder not found ({own})")
        available = set((own_dir / "cgroup.controllers").read_text().split())
        if not {"memory", "pids"} <= available:
            has = " ".join(sorted(available)) or "none"
            raise OSError(f"cgroup v2 at {own_dir} lacks memory/pids controllers (has: {has})")
        if not os.access(own_dir, os.W_OK):
            raise OSError(f"cgroup v2 at {own_dir} is not writable (not delegated)")
        try:
            (own_dir / "cgroup.subtree_control").write_text("+memory +pids")
        except OSError:
            # "no internal processes": move ourselves into a leaf, then enable controllers.
            leaf = own_dir / "hub"
            leaf.mkdir(exist_ok=True)
            for pid in (own_dir / "cgroup.procs").read_text().split():
                try:
                    (leaf / "cgroup.procs").write_text(pid)
                except OSError:
                    pass
            (own_dir / "cgroup.subtree_control").write_text("+memory +pids")
        base = own_dir / SUBTREE
        base.mkdir(exist_ok=True)
        (base / "cgroup.subtree_control").write_text("+memory +pids")
        return cls(base)

    def prepare(self, runtime_id: str, memory_bytes: int, max_processes: int) -> RuntimeLimits:
        d = self.base / runtime_id
        d.mkdir(exist_ok=True)
        (d / "memory.max").write_text(str(memory_bytes))
        try:
            (d / "memory.swap.max").write_text("0")
        except OSError:
            pass
        try:
            (d / "memory.oom.group").write_text("1")  # OOM takes the whole runtime, not just one child
        except OSError:
            pass
        (d / "pids.max").write_text(str(max_processes))
        return RuntimeLimits("cgroup2", memory_bytes, max_processes, (d,), d)


class Cgroup1Limiter(Limiter):
    mechanism = "cgroup1"

    def __init__(self, memory_base: Path, pids_base: Path, reasons: tuple[str, ...] = ()):
        self.memory_base = memory_base
        self.pids_base = pids_base
        self.reasons = reasons

    def subtree_bases(self) -> tuple[Path, ...]:
        return (self.memory_base, self.pids_base)

    @classmethod
    def detect(cls) -> Cgroup1Limiter:
        own = _own_cgroups()
        bases: dict[str, Path] = {}
        for fstype, root, point, sopts in _mounts():
            if fstype != "cgroup":
                continue
            for controller in ("memory", "pids"):
                if controller in sopts.split(",") and controller in own:
                    d = _fs_path(root, point, own[controller])
                    if d is not None and d.is_dir():
                        bases[controller] = d / SUBTREE
        missing = {"memory", "pids"} - set(bases)
        if missing:
            raise OSError(f"cgroup v1 {'/'.join(sorted(missing))} hierarchy not mounted")
        for b in bases.values():
            b.mkdir(exist_ok=True)  # raises if not writable
        return cls(bases["memory"], bases["pids"])

    def prepare(self, runtime_id: str, memory_bytes: int, max_processes: int) -> RuntimeLimits:
        mem = self.memory_base / runtime_id
        pids = self.pids_base / runtime_id
        mem.mkdir(exist_ok=True)
        pids.mkdir(exist_ok=True)
        (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
        try:  # also cap swap, when swap accounting is on
            (mem / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
        except OSError:
            pass
        (pids / "pids.max").write_text(str(max_processes))
        return RuntimeLimits("cgroup1", memory_bytes, max_processes, (mem, pids), mem)


def detect_limiter(prefer: str = "auto") -> Limiter:
    """The strongest limit mechanism that works here; ``prefer`` forces one (tests, admins)."""
    reasons: list[str] = []
    order = ["cgroup2", "cgroup1", "rlimit"] if prefer == "auto" else [prefer]
    for mechanism in order:
        try:
            if mechanism == "cgroup2":
                limiter: Limiter = Cgroup2Limiter.detect()
            elif mechanism == "cgroup1":
                limiter = Cgroup1Limiter.detect()
            elif mechanism == "rlimit":
                limiter = RlimitLimiter()
            elif mechanism == "none":
                limiter = NoLimits()
            else:
                raise ValueError(f"unknown limit mechanism {mechanism!r}")
        except OSError as exc:
            reasons.append(f"{mechanism}: {exc}")
            continue
        limiter.reasons = tuple(reasons)
        if reasons:
            log.info("runtime limits: %s (%s)", limiter.mechanism, "; ".join(reasons))
        return limiter
    raise OSError("no limit mechanism available: " + "; ".join(reasons))
