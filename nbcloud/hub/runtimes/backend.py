"""The interface every runtime backend implements, and the handle it gives back.

The hub never talks to a kernel process directly: it asks a backend for a runtime
(``start``), gets a :class:`Runtime` with the kernel's connection info (ZMQ over ipc
sockets for the local backend), and calls the backend to interrupt, restart, shut down,
measure or diagnose it. A backend is a subclass of :class:`RuntimeBackend` (in the spirit of
JupyterHub's ``Spawner``): the lifecycle methods are abstract, and the optional capabilities
(Drive, the Files panel, port links, GPUs) are *declared* in :attr:`RuntimeBackend.capabilities`.
A caller checks the declaration before it asks; asking a backend that lacks a capability raises
:class:`BackendLacks`, which says so. Backends are chosen by the ``runtime_backend`` setting
(see ``runtimes.backends``): ``local`` (bubblewrap sandbox, ``runtimes.local``), and in tests
``fake`` (a plain ipykernel, ``tests/fakes.py``).
"""

from __future__ import annotations

import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.connect import KernelConnectionInfo

from nbcloud.hub.errors import NotSupported

from .listeners import PortCheck

if TYPE_CHECKING:
    from .files import RuntimeFiles

GB = 1024**3

LimitMechanism = Literal["cgroup2", "cgroup1", "rlimit", "none"]
# Which sandbox a backend runs kernels in ("sandbox" in the admin's isolation report). Not to be
# confused with sandbox.SandboxMode, the local backend's whole plan (bwrap path, uids, network).
SandboxKind = Literal["bwrap-userns", "bwrap-setpriv", "none"]
# "internet": a network namespace per runtime, out through slirp4netns; "none": a namespace with
# only its own loopback; "host": the hub's network and loopback, shared with every runtime.
NetworkIsolation = Literal["internet", "none", "host"]


class RuntimeBackendError(Exception):
    """Base class for runtime backend failures the hub can show to a person."""


class RuntimeStartError(RuntimeBackendError):
    """The runtime could not be started (sandbox or kernel failure)."""


class SandboxUnavailable(RuntimeBackendError):
    """The sandbox was required (runtime_sandbox = "bwrap") but cannot run here."""


class BackendLacks(NotSupported):
    """The runtime backend does not have a capability (see :class:`Capabilities`)."""

    code = "not_supported"

    def __init__(self, backend: str, capability: str, instead: str = "") -> None:
        super().__init__(f"Runtimes of the {backend!r} backend do not support {capability}."
                         + (f" {instead}" if instead else ""))
        self.backend = backend
        self.capability = capability


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do beyond start, stop, restart, interrupt, poll and usage.

    Declared by each backend (never probed): callers check a flag and tell the person what to do
    instead when it is off.
    """

    drive: bool = False  # offer_drive / release_drive: drive.mount() puts the person's Drive in the runtime
    files: bool = False  # files(): the runtime's /content for the Files panel
    ports: bool = False  # port_owner / port_dialer: links to web servers started in the runtime
    gpu: bool = False  # usage() may report GPUs


# (host, port, timeout) -> a connected, non-blocking socket in the runtime's network namespace.
Dialer = Callable[[str, int, "float | None"], Awaitable[socket.socket]]
# (bytes used, quota) of a person's Drive, read while it is mounted in a runtime.
DriveUsage = Callable[[], tuple[int, int]]


@dataclass(frozen=True)
class RuntimeSpec:
    """What to start. Owner and notebook are optional: pool runtimes are started blank."""

    owner_id: Hashable = None  # the pool's key is (owner, notebook): ids of the execution layer
    notebook_id: Hashable = None
    memory_bytes: int | None = None  # None: settings.runtime_memory_bytes
    max_processes: int | None = None  # None: settings.runtime_max_processes
    env: dict[str, str] = field(default_factory=dict)  # extra environment for the kernel


@dataclass(frozen=True)
class Isolation:
    """What actually protects a runtime on this machine (shown to admins, logged at start)."""

    sandbox: SandboxKind
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
    owner_id: Hashable = None  # the pool's key is (owner, notebook): ids of the execution layer
    notebook_id: Hashable = None
    started_at: float = field(default_factory=time.monotonic)
    last_activity: float = field(default_factory=time.monotonic)

    def touch(self) -> None:
        """The execution layer calls this on every request and reply; idle culling reads it."""
        self.last_activity = time.monotonic()

    def client(self, **kwargs: Any) -> AsyncKernelClient:
        """A fresh AsyncKernelClient on this runtime (the caller starts/stops its channels)."""
        kc = AsyncKernelClient(**kwargs)
        kc.load_connection_info(cast(KernelConnectionInfo, self.connection_info))
        return kc

    def blocking_client(self, **kwargs: Any) -> BlockingKernelClient:
        kc = BlockingKernelClient(**kwargs)
        kc.load_connection_info(cast(KernelConnectionInfo, self.connection_info))
        return kc


class RuntimeBackend(ABC):
    """Where runtimes run. One instance per hub, made by ``runtimes.backends.create``.

    Subclasses set ``name`` and ``capabilities`` and implement the abstract methods; they
    override the optional methods of each capability they declare.
    """

    name: ClassVar[str]
    capabilities: Capabilities = Capabilities()  # none of the optional ones

    @property
    @abstractmethod
    def isolation(self) -> Isolation:
        """What protects runtimes from each other and from the host (the admin page shows it)."""

    # -- lifecycle (every backend) -----------------------------------------------------------

    @abstractmethod
    async def start(self, spec: RuntimeSpec | None = None) -> Runtime:
        """Start a runtime and return once its kernel answers (kernel_info reply)."""

    @abstractmethod
    async def shutdown(self, runtime: Runtime, *, now: bool = False) -> None:
        """Stop the kernel and throw the runtime away (its folder included)."""

    @abstractmethod
    async def interrupt(self, runtime: Runtime) -> None:
        """Interrupt the running cell (KeyboardInterrupt in the kernel, SIGINT to `!` children)."""

    @abstractmethod
    async def restart(self, runtime: Runtime) -> None:
        """A fresh kernel (empty namespace) in the same runtime: /content and pip installs stay."""

    @abstractmethod
    async def is_alive(self, runtime: Runtime) -> bool:
        """Whether the kernel's process is running (not whether it answers)."""

    @abstractmethod
    async def wait(self, runtime: Runtime) -> CrashInfo | None:
        """Wait until the kernel process ends; returns why (None after an orderly shutdown)."""

    @abstractmethod
    def crash_info(self, runtime: Runtime) -> CrashInfo | None:
        """Why the kernel died, if it died on its own (for example out of memory)."""

    @abstractmethod
    async def usage(self, runtime: Runtime) -> ResourceUsage:
        """Memory, disk and (with ``capabilities.gpu``) GPU use of the runtime."""

    # -- capability "drive" --------------------------------------------------------------------

    async def offer_drive(self, runtime: Runtime, mydrive: Path, *, readonly: bool = False,
                          usage: DriveUsage | None = None) -> str:
        """Start handing ``mydrive`` to the runtime (after the person's consent): returns the
        socket path, as the kernel sees it, where the kernel picks the Drive up. ``usage``
        (used, quota) keeps the owner's quota while it is mounted."""
        raise BackendLacks(self.name, "mounting a Drive", "Use files.upload() or the Drive page instead.")

    async def release_drive(self, runtime: Runtime, target: str) -> bool:
        """Unmount a Drive the hub attached at ``target``; False when none of its making is there."""
        raise BackendLacks(self.name, "mounting a Drive")

    # -- capability "files" --------------------------------------------------------------------

    def files(self, runtime: Runtime) -> RuntimeFiles:
        """The runtime's /content, for the hub's Files panel (see runtimes.files)."""
        raise BackendLacks(self.name, "the Files panel", "Use files.download() in a cell instead.")

    # -- capability "ports" --------------------------------------------------------------------

    def port_owner(self, runtime: Runtime, port: int) -> PortCheck:
        """Whether loopback:``port`` is served by this runtime alone. May block: call it in a thread."""
        raise BackendLacks(self.name, "links to web servers in a runtime")

    def port_dialer(self, runtime: Runtime) -> Dialer | None:
        """How the hub connects to a server in ``runtime`` when its loopback is its own, or None
        when runtimes share the hub's loopback (connect to 127.0.0.1 as usual)."""
        raise BackendLacks(self.name, "links to web servers in a runtime")
