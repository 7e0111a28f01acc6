"""The interface every runtime backend implements, and the handle it gives back.

The hub never talks to a kernel process directly: it asks a backend for a runtime
(``start``), gets a :class:`Runtime` with the kernel's connection info (ZMQ over ipc
sockets for the local backend), and calls the backend to interrupt, restart, shut down,
measure or diagnose it. Backends: ``local`` (bubblewrap sandbox, this package),
later ``jupyter`` and ``kubernetes``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

GB = 1024**3

LimitMechanism = Literal["cgroup2", "cgroup1", "rlimit", "none"]
SandboxMode = Literal["bwrap-userns", "bwrap-setpriv", "none"]
# "internet": a network namespace per runtime, out through slirp4netns; "none": a namespace with
# only its own loopback; "host": the hub's network and loopback, shared with every runtime.
NetworkIsolation = Literal["internet", "none", "host"]


class RuntimeBackendError(Exception):
    """Base class for runtime backend failures the hub can show to a person."""


class RuntimeStartError(RuntimeBackendError):
    """The runtime could not be started (sandbox or kernel failure)."""


class SandboxUnavailable(RuntimeBackendError):
    """The sandbox was required (runtime_sandbox = "bwrap") but cannot run here."""


@dataclass(frozen=True)
class RuntimeSpec:
    """What to start. Owner and notebook are optional: pool runtimes are started blank."""

    owner_id: int | str | None = None
    notebook_id: int | str | None = None
    memory_bytes: int | None = None  # None: settings.runtime_memory_bytes
    max_processes: int | None = None  # None: settings.runtime_max_processes
    env: dict[str, str] = field(default_factory=dict)  # extra environment for the kernel


@dataclass(frozen=True)
class Isolation:
    """What actually protects a runtime on this machine (shown to admins, logged at start)."""

    sandbox: SandboxMode
    limits: LimitMechanism
    uid: int  # uid the kernel runs as, seen from the hub
    reasons: tuple[str, ...] = ()  # why a weaker fallback is in force, if one is
    network: NetworkIsolation = "host"
    # Whether code in a runtime is kept from making namespaces of its own (unshare -r, setns).
    namespaces_blocked: bool = False


@dataclass(frozen=True)
class GpuUsage:
    index: int
    name: str
    memory_used_bytes: int
    memory_total_bytes: int
    utilization_percent: int | None


@dataclass(frozen=True)
class ResourceUsage:
    memory_rss_bytes: int  # RSS of the kernel's whole process tree
    memory_limit_bytes: int | None
    disk_used_bytes: int  # bytes under /content
    gpus: tuple[GpuUsage, ...] | None  # None: no GPU reporting here (nvidia-ml-py missing or no GPU)


@dataclass(frozen=True)
class CrashInfo:
    """Why a runtime's kernel died. ``message`` is what the hub shows in the notebook."""

    reason: Literal["oom", "exited", "killed"]
    message: str
    exit_code: int | None = None


def oom_message(limit_bytes: int) -> str:
    gb = limit_bytes / GB
    shown = f"{gb:.2f}".rstrip("0").rstrip(".")
    return f"the runtime crashed after using all available RAM: {shown} GB"


@dataclass(eq=False)
class Runtime:
    """A started runtime. Backends subclass it to keep their own state.

    ``connection_info`` is a jupyter_client connection dict (transport, ip, ports, key,
    signature_scheme) that ``jupyter_client.AsyncKernelClient.load_connection_info`` accepts.
    """

    runtime_id: str
    backend_name: str
    connection_info: dict[str, Any]
    memory_limit_bytes: int | None
    owner_id: int | str | None = None
    notebook_id: int | str | None = None
    started_at: float = field(default_factory=time.monotonic)
    last_activity: float = field(default_factory=time.monotonic)

    def touch(self) -> None:
        """The execution layer calls this on every request and reply; idle culling reads it."""
        self.last_activity = time.monotonic()

    def client(self, **kwargs: Any):
        """A fresh AsyncKernelClient on this runtime (the caller starts/stops its channels)."""
        from jupyter_client.asynchronous import AsyncKernelClient

        kc = AsyncKernelClient(**kwargs)
        kc.load_connection_info(self.connection_info)
        return kc

    def blocking_client(self, **kwargs: Any):
        from jupyter_client.blocking import BlockingKernelClient

        kc = BlockingKernelClient(**kwargs)
        kc.load_connection_info(self.connection_info)
        return kc


@runtime_checkable
class RuntimeBackend(Protocol):
    name: str

    @property
    def isolation(self) -> Isolation: ...

    async def start(self, spec: RuntimeSpec) -> Runtime:
        """Start a runtime and return once its kernel answers (kernel_info reply)."""

    async def shutdown(self, runtime: Runtime, *, now: bool = False) -> None:
        """Stop the kernel and throw the runtime away (its folder included)."""

    async def interrupt(self, runtime: Runtime) -> None:
        """Interrupt the running cell (KeyboardInterrupt in the kernel, SIGINT to `!` children)."""

    async def restart(self, runtime: Runtime) -> None:
        """A fresh kernel (empty namespace) in the same runtime: /content and pip installs stay."""

    async def is_alive(self, runtime: Runtime) -> bool: ...

    async def wait(self, runtime: Runtime) -> CrashInfo | None:
        """Wait until the kernel process ends; returns why (None after an orderly shutdown)."""

    def crash_info(self, runtime: Runtime) -> CrashInfo | None:
        """Why the kernel died, if it died on its own (for example out of memory)."""

    async def usage(self, runtime: Runtime) -> ResourceUsage: ...
